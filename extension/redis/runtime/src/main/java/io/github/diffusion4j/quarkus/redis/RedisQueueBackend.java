package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.github.diffusion4j.quarkus.runtime.queue.ClientKeys;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueueBackend;
import io.github.diffusion4j.quarkus.runtime.queue.QueueSettings;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The {@code redis} queue backend: jobs in Redis Streams (work, per-job events) and hashes (state, results), shared by
 * any number of API and worker nodes. The Redis client is looked up only when this backend is selected, so the
 * extension on the class path costs nothing with {@code backend=memory}.
 */
@Singleton
public class RedisQueueBackend implements GenerationQueueBackend {

    public static final String NAME = "redis";

    private final Instance<Redis> redis;
    private final RedisQueueConfig config;

    @Inject
    public RedisQueueBackend(Instance<Redis> redis, RedisQueueConfig config) {
        this.redis = redis;
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public GenerationQueue open(QueueSettings settings, DiffusionModels models, GenerationObserver observer,
                                ClientKeys clients, boolean worker) {
        RedisCommands commands = new RedisCommands(redis.get(), config.commandTimeout());
        return new RedisGenerationQueue(commands, new RedisKeys(config.keyPrefix()), settings, config,
                LocalModels.of(models, observer), clients, worker);
    }
}

package io.github.diffusion4j.quarkus.redis.deployment;

import io.github.diffusion4j.quarkus.deployment.QueueBackendBuildItem;
import io.github.diffusion4j.quarkus.redis.RedisQueueBackend;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.redis.deployment.client.RequestedRedisClientBuildItem;
import io.quarkus.redis.runtime.client.config.RedisConfig;

/**
 * Offers the {@code redis} queue backend to the core extension ({@link QueueBackendBuildItem}, selected at run time by
 * {@code quarkus.diffusion4j.queue.backend}) and asks Quarkus' Redis client for its default client, which the backend
 * looks up only when selected.
 */
class RedisQueueProcessor {

    static final String FEATURE = "diffusion4j-redis";

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep
    QueueBackendBuildItem backend() {
        return new QueueBackendBuildItem(RedisQueueBackend.NAME, RedisQueueBackend.class.getName());
    }

    @BuildStep
    RequestedRedisClientBuildItem redisClient() {
        return new RequestedRedisClientBuildItem(RedisConfig.DEFAULT_CLIENT_NAME);
    }
}

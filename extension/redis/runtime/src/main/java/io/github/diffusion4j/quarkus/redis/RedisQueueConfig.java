package io.github.diffusion4j.quarkus.redis;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The Redis queue backend ({@code quarkus.diffusion4j.queue.backend=redis}). The connection itself is Quarkus' Redis
 * client's: {@code quarkus.redis.hosts}.
 */
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
@ConfigMapping(prefix = "quarkus.diffusion4j.queue.redis")
public interface RedisQueueConfig {

    /**
     * Prefix of every key. The braces make it a Redis Cluster hash tag: all keys of one deployment live in one slot,
     * so that the queue's Lua scripts run on Redis Cluster too.
     */
    @WithDefault("{d4j}")
    String keyPrefix();

    /** How often a worker tells Redis that it still runs its jobs, and republishes its models. */
    @WithDefault("2S")
    Duration heartbeatInterval();

    /**
     * A running job whose worker has not heart-beaten for this long is taken over by another worker and restarted
     * (with a {@code restarted} event). Several heartbeat intervals, so that a GC pause does not restart a job.
     */
    @WithDefault("10S")
    Duration reclaimAfter();

    /** Attempts of a job (the first run plus restarts after lost workers) before it fails with the reason. */
    @WithDefault("3")
    int maxAttempts();

    /** How long a worker waits between two looks for work when no submission was announced. */
    @WithDefault("1S")
    Duration pollInterval();

    /**
     * Waiting jobs per model (the first ones in queue order) that get a {@code queued} event each time their position
     * changes; jobs further back get one when they move into this range (their position is always in
     * {@code GET /jobs/{id}}). Bounds the writes of one take or cancel however long the queue is.
     */
    @WithDefault("32")
    int livePositions();

    /** Timeout of one Redis command of the queue; past it the request gets HTTP 503. */
    @WithDefault("10S")
    Duration commandTimeout();
}

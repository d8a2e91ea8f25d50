package io.github.diffusion4j.quarkus.runtime.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link GenerationQueue}.
 *
 * @param capacity    most waiting (not running) jobs
 * @param concurrency jobs running at once per device
 * @param expireAfter how long a finished job is kept
 * @param historySize events kept per job for replay
 */
public record QueueSettings(int capacity, int concurrency, Duration expireAfter, int historySize) {

    public QueueSettings {
        if (capacity < 1) {
            throw new IllegalArgumentException("quarkus.diffusion4j.queue.capacity must be at least 1, got " + capacity);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("quarkus.diffusion4j.queue.concurrency must be at least 1, got " + concurrency);
        }
        Objects.requireNonNull(expireAfter, "expireAfter");
        if (expireAfter.isNegative() || expireAfter.isZero()) {
            throw new IllegalArgumentException("quarkus.diffusion4j.jobs.expire-after must be positive, got " + expireAfter);
        }
        if (historySize < 1) {
            throw new IllegalArgumentException("quarkus.diffusion4j.jobs.history-size must be at least 1, got " + historySize);
        }
    }
}

package io.github.diffusion4j.quarkus.runtime.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a queue.
 *
 * @param capacity          most waiting (not running) jobs
 * @param concurrency       jobs running at once per device
 * @param expireAfter       how long a finished job is kept
 * @param historySize       events kept per job for replay
 * @param maxJobsPerClient  most queued + running jobs of one client
 * @param maxFinishedBytes  most bytes (PNGs, previews, events) the kept finished jobs may hold together; the oldest
 *                          go first
 */
public record QueueSettings(int capacity, int concurrency, Duration expireAfter, int historySize, int maxJobsPerClient,
                            long maxFinishedBytes) {

    /** Default per-client cap when none is given. */
    public static final int DEFAULT_MAX_JOBS_PER_CLIENT = 8;
    /** Default finished-jobs cap when none is given: 256 MiB. */
    public static final long DEFAULT_MAX_FINISHED_BYTES = 256L << 20;

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
        if (maxJobsPerClient < 1) {
            throw new IllegalArgumentException("quarkus.diffusion4j.queue.max-jobs-per-client must be at least 1, got "
                    + maxJobsPerClient);
        }
        if (maxFinishedBytes < 0) {
            throw new IllegalArgumentException("quarkus.diffusion4j.jobs.max-finished-bytes must be at least 0, got "
                    + maxFinishedBytes);
        }
    }

    /** Settings with the default per-client cap and finished-jobs cap. */
    public QueueSettings(int capacity, int concurrency, Duration expireAfter, int historySize) {
        this(capacity, concurrency, expireAfter, historySize, DEFAULT_MAX_JOBS_PER_CLIENT, DEFAULT_MAX_FINISHED_BYTES);
    }
}

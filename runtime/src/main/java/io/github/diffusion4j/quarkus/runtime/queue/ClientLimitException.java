package io.github.diffusion4j.quarkus.runtime.queue;

import java.time.Duration;

/**
 * The client has {@code quarkus.diffusion4j.queue.max-jobs-per-client} queued and running jobs already, so that one
 * client cannot take every slot of the queue: it should retry after {@link #retryAfter()} (HTTP 429).
 */
public class ClientLimitException extends RuntimeException {

    private final int limit;
    private final Duration retryAfter;

    public ClientLimitException(int limit, Duration retryAfter) {
        super("This client has " + limit + " queued and running jobs, the most allowed per client "
                + "(quarkus.diffusion4j.queue.max-jobs-per-client); retry in about "
                + Math.max(1, retryAfter.toSeconds()) + " s");
        this.limit = limit;
        this.retryAfter = retryAfter;
    }

    public int limit() {
        return limit;
    }

    /** Estimated time until one of the client's jobs ends; at least one second. */
    public Duration retryAfter() {
        return retryAfter;
    }
}

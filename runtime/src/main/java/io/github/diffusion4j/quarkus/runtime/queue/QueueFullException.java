package io.github.diffusion4j.quarkus.runtime.queue;

import java.time.Duration;

/** The queue holds {@code capacity} waiting jobs already: the caller should retry after {@link #retryAfter()}. */
public class QueueFullException extends RuntimeException {

    private final int capacity;
    private final Duration retryAfter;

    public QueueFullException(int capacity, Duration retryAfter) {
        super("The generation queue is full (" + capacity + " waiting jobs); retry in about "
                + Math.max(1, retryAfter.toSeconds()) + " s");
        this.capacity = capacity;
        this.retryAfter = retryAfter;
    }

    public int capacity() {
        return capacity;
    }

    /** Estimated time until a slot frees up, from the recent mean job duration; at least one second. */
    public Duration retryAfter() {
        return retryAfter;
    }
}

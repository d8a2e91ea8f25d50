package io.github.diffusion4j.quarkus.runtime.queue;

import java.util.Locale;

/** Life cycle of a {@link Job}: {@code QUEUED → RUNNING → COMPLETED | FAILED | CANCELLED}, or {@code QUEUED → CANCELLED}. */
public enum JobState {
    /** Waiting in the queue for a free slot on its device. */
    QUEUED,
    /** Generating. */
    RUNNING,
    /** Finished with images. */
    COMPLETED,
    /** Ended with an error. */
    FAILED,
    /** Cancelled by a client (DELETE, or the stream's connection closed) or by application code. */
    CANCELLED;

    /** Whether the job has ended; its state no longer changes. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Lower-case name as the REST API and the events use it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The JSON {@code data} of one job event. Each implementation is one SSE event name: {@link QueuedEvent}
 * ({@code queued}), {@link StartedEvent} ({@code started}), {@link StepEvent} ({@code step}), {@link CompletedEvent}
 * ({@code completed}), {@link FailedEvent} ({@code failed}), {@link CancelledEvent} ({@code cancelled}) and
 * {@link RestartedEvent} ({@code restarted}, distributed backend only).
 */
public sealed interface JobEventData
        permits QueuedEvent, StartedEvent, StepEvent, CompletedEvent, FailedEvent, CancelledEvent, RestartedEvent {

    /** The SSE event name (sent as {@code event:}, not in the JSON). */
    @JsonIgnore
    String eventName();

    /** Whether this is the last event of a job. */
    @JsonIgnore
    default boolean isTerminal() {
        return false;
    }
}

package io.github.diffusion4j.quarkus.runtime.queue;

/**
 * One event of a job as SSE sends it: {@code id:} {@link #id()}, {@code event:} {@link #name()}, {@code data:} the JSON
 * of {@link #data()}.
 *
 * @param id   increasing per job, starting at 1; a client resumes after it with {@code Last-Event-ID}
 * @param data the payload
 */
public record JobEvent(long id, JobEventData data) {

    /** The SSE event name. */
    public String name() {
        return data.eventName();
    }

    public boolean isTerminal() {
        return data.isTerminal();
    }

    /** Whether this is a step event that carries a preview. */
    boolean hasPreview() {
        return data instanceof StepEvent step && step.preview() != null;
    }

    /** This event with the preview stripped (same id). */
    JobEvent withoutPreview() {
        return data instanceof StepEvent step && step.preview() != null ? new JobEvent(id, step.withoutPreview()) : this;
    }
}

package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The job waits in the queue. Sent when the job is accepted and again each time its position changes.
 *
 * @param jobId    the job
 * @param model    the model it runs on
 * @param position 1-based place in the queue: 1 is the next job to start
 */
@Schema(name = "QueuedEvent", description = "SSE event `queued`: the job waits in the queue; re-sent whenever its position changes.")
public record QueuedEvent(
        @Schema(example = "3f1c2a4e-8b7d-4c1e-9a55-0d9c4f7e2b11") String jobId,
        @Schema(example = "default") String model,
        @Schema(description = "1-based place in the queue; 1 starts next", example = "2") int position)
        implements JobEventData {

    public static final String NAME = "queued";

    @Override
    @JsonIgnore
    public String eventName() {
        return NAME;
    }
}

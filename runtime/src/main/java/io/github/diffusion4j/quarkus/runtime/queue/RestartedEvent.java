package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The worker running the job stopped heart-beating (it died, or lost Redis) and the job starts again on another
 * worker. Only the distributed backend sends it; step events after it count from step 1 again.
 *
 * @param jobId       the job
 * @param attempt     the attempt that starts now (2 for the first restart)
 * @param maxAttempts attempts allowed before the job fails
 * @param reason      why, e.g. {@code worker w-1 stopped heart-beating}
 */
@Schema(name = "RestartedEvent", description = "SSE event `restarted`: the worker running the job was lost; the job "
        + "runs again from step 1 on another worker.")
public record RestartedEvent(String jobId, @Schema(example = "2") int attempt, @Schema(example = "3") int maxAttempts,
                             @Schema(example = "worker lost") String reason) implements JobEventData {

    public static final String NAME = "restarted";

    @Override
    @JsonIgnore
    public String eventName() {
        return NAME;
    }
}

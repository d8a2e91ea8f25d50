package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The job was cancelled before it finished.
 *
 * @param jobId    the job
 * @param progress how far it got, in [0, 1]
 * @param reason   why: {@code cancelled} (DELETE or application code), {@code disconnected} (the streaming client went
 *                 away) or {@code shutdown}
 */
@Schema(name = "CancelledEvent", description = "SSE event `cancelled`: the job was cancelled before it finished.")
public record CancelledEvent(String jobId, @Schema(example = "0.4") double progress,
                             @Schema(example = "cancelled") String reason) implements JobEventData {

    public static final String NAME = "cancelled";

    @Override
    @JsonIgnore
    public String eventName() {
        return NAME;
    }

    @Override
    @JsonIgnore
    public boolean isTerminal() {
        return true;
    }
}

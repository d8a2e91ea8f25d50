package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The job ended with an error: an RFC 9457 problem detail plus the job id.
 *
 * @param jobId  the job
 * @param type   problem type URI
 * @param title  short summary
 * @param status the HTTP status this error would have as a response
 * @param detail what went wrong
 */
@Schema(name = "FailedEvent", description = "SSE event `failed`: the job ended with an error (an RFC 9457 problem detail).")
public record FailedEvent(String jobId,
                          @Schema(example = "urn:diffusion4j:problem:generation-failed") String type,
                          @Schema(example = "Generation failed") String title,
                          @Schema(example = "500") int status,
                          @Schema(example = "ONNX Runtime failed in unet: ...") String detail) implements JobEventData {

    public static final String NAME = "failed";
    public static final String TYPE = "urn:diffusion4j:problem:generation-failed";

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

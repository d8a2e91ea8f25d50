package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.diffusion4j.pipeline.ImageMetadata;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The job finished: its images, as data URIs, with the parameters that made them and the timings.
 *
 * @param jobId    the job
 * @param seed     the seed of the first image
 * @param images   one entry per generated image
 * @param timings  wall time per phase
 * @param unetRuns UNet evaluations
 */
@Schema(name = "CompletedEvent", description = "SSE event `completed`: the last event of a successful job.")
public record CompletedEvent(String jobId, @Schema(example = "42") long seed, List<Image> images, TimingsData timings,
                             @Schema(example = "40") int unetRuns) implements JobEventData {

    public static final String NAME = "completed";

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

    /**
     * One image.
     *
     * @param image    PNG (with the A1111 {@code parameters} text chunk) as a {@code data:image/png;base64,...} URI
     * @param seed     its seed
     * @param width    width in pixels
     * @param height   height in pixels
     * @param metadata the parameters that made it
     */
    @Schema(name = "CompletedImage")
    public record Image(@Schema(example = "data:image/png;base64,iVBORw0KGgo...") String image,
                        @Schema(example = "42") long seed,
                        @Schema(example = "512") int width,
                        @Schema(example = "512") int height,
                        ImageMetadata metadata) {
    }
}

package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.diffusion4j.pipeline.ImageMetadata;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Base64;
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
     * One image. Holds the job's PNG bytes, not a copy: the data URI is written when the event is serialised, so a kept
     * job holds its image once.
     */
    @Schema(name = "CompletedImage")
    public static final class Image {

        private final JobResult.JobImage image;

        public Image(JobResult.JobImage image) {
            this.image = image;
        }

        /** PNG (with the A1111 {@code parameters} text chunk) as a {@code data:image/png;base64,...} URI. */
        @JsonProperty("image")
        @Schema(example = "data:image/png;base64,iVBORw0KGgo...")
        public String image() {
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(image.png());
        }

        @JsonProperty("seed")
        @Schema(example = "42")
        public long seed() {
            return image.seed();
        }

        @JsonProperty("width")
        @Schema(example = "512")
        public int width() {
            return image.width();
        }

        @JsonProperty("height")
        @Schema(example = "512")
        public int height() {
            return image.height();
        }

        /** The parameters that made it. */
        @JsonProperty("metadata")
        public ImageMetadata metadata() {
            return image.metadata();
        }
    }
}

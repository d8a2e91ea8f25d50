package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.pipeline.ImageMetadata;
import io.github.diffusion4j.quarkus.runtime.queue.TimingsData;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * JSON answer of {@code POST /v1/images} for clients that accept {@code application/json}.
 *
 * @param jobId   the job that made the images
 * @param model   model name
 * @param images  the images, base64 PNG
 * @param timings wall time per phase
 */
@Schema(name = "ImagesResponse")
public record ImagesResponse(String jobId, @Schema(example = "default") String model, List<Image> images,
                             TimingsData timings) {

    /**
     * One image.
     *
     * @param b64      PNG bytes (with the A1111 {@code parameters} text chunk), base64
     * @param seed     its seed
     * @param width    width in pixels
     * @param height   height in pixels
     * @param metadata the parameters that made it
     */
    @Schema(name = "ImageData")
    public record Image(@Schema(description = "base64 PNG", example = "iVBORw0KGgoAAAANSUhEUgAA...") String b64,
                        @Schema(example = "42") long seed,
                        @Schema(example = "512") int width,
                        @Schema(example = "512") int height,
                        ImageMetadata metadata) {
    }
}

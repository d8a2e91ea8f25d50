package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.pipeline.Timings;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Wall time per phase of a generation, in milliseconds.
 *
 * @param textEncodingMillis tokenizing and the text encoder
 * @param denoisingMillis    the denoising loop
 * @param decodingMillis     the VAE decoder and the conversion to images
 * @param totalMillis        the whole generation (not counting time in the queue)
 * @param queuedMillis       time the job waited in the queue
 */
@Schema(name = "Timings", description = "Wall time per phase, in milliseconds.")
public record TimingsData(@Schema(example = "35") long textEncodingMillis,
                          @Schema(example = "2400") long denoisingMillis,
                          @Schema(example = "180") long decodingMillis,
                          @Schema(example = "2630") long totalMillis,
                          @Schema(example = "0") long queuedMillis) {

    static TimingsData of(Timings timings, long queuedMillis) {
        return new TimingsData(timings.textEncoding().toMillis(), timings.denoising().toMillis(),
                timings.decoding().toMillis(), timings.total().toMillis(), queuedMillis);
    }
}

package io.github.diffusion4j.pipeline;

import java.util.List;

/**
 * Everything a finished generation produced.
 *
 * @param images  one image per batch entry
 * @param seed    the seed used
 * @param timings wall time per phase
 * @param unetRuns number of UNet evaluations (steps × calls per step)
 */
public record GenerationResult(List<GeneratedImage> images, long seed, Timings timings, int unetRuns) {

    public GenerationResult {
        images = List.copyOf(images);
    }

    /** The first (usually only) image. */
    public GeneratedImage image() {
        return images.get(0);
    }
}

package io.github.diffusion4j.pipeline;

import java.util.List;

/**
 * Everything a finished generation produced.
 *
 * @param images  one image per batch entry
 * @param seed    the seed used
 * @param timings wall time per phase
 * @param unetRuns number of denoiser runs (steps × calls per step)
 * @param denoiserRows batch rows the denoiser ran over all its runs: 2 per image per step with classifier-free
 *                 guidance, 1 without (the measure of its work a guidance interval halves)
 */
public record GenerationResult(List<GeneratedImage> images, long seed, Timings timings, int unetRuns,
                               long denoiserRows) {

    public GenerationResult {
        images = List.copyOf(images);
    }

    /** A result whose row count is not known (stub models, tests). */
    public GenerationResult(List<GeneratedImage> images, long seed, Timings timings, int unetRuns) {
        this(images, seed, timings, unetRuns, -1);
    }

    /** The first (usually only) image. */
    public GeneratedImage image() {
        return images.get(0);
    }
}

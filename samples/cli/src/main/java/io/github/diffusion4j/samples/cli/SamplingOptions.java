package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.GenerationRequest;
import picocli.CommandLine.Option;

/** The sampling options every command that generates takes, under the same names. */
final class SamplingOptions {

    @Option(names = "--steps", description = "Denoising steps (default: what the model recommends, else 50).")
    Integer steps;

    @Option(names = "--cfg", description = "Classifier-free guidance scale (default: what the model recommends, else 7.5;"
            + " <= 1 disables).")
    Double cfg;

    @Option(names = "--scheduler", description = "ddim, ddpm, pndm, euler, euler_a, lms, dpmpp_2m, ... (default: the model's).")
    String scheduler;

    @Option(names = "--width", description = "Width in pixels, multiple of 8 (default: the model's).")
    Integer width;

    @Option(names = "--height", description = "Height in pixels, multiple of 8 (default: the model's).")
    Integer height;

    /** Sets what was given on {@code request}; what was not keeps the builder's value. */
    GenerationRequest.Builder applyTo(GenerationRequest.Builder request) {
        if (steps != null) {
            request.steps(steps);
        }
        if (cfg != null) {
            request.guidanceScale(cfg);
        }
        if (scheduler != null) {
            request.scheduler(scheduler);
        }
        if (width != null) {
            request.width(width);
        }
        if (height != null) {
            request.height(height);
        }
        return request;
    }
}

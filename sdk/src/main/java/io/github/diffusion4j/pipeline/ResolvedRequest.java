package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.scheduler.Scheduler;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A validated request ({@code cfgScale}: what combines the classifier-free rows, see
 * {@link RequestValidator.Outcome}). Holds the scheduler built during validation so that the first subscription uses it
 * instead of building another; later subscriptions (the Multi is cold) build their own.
 */
record ResolvedRequest(GenerationRequest request, int width, int height, int steps, double guidance,
                       boolean classifierFree, String schedulerName, AtomicReference<Scheduler> validatedScheduler,
                       long seed, int previewInterval, NoiseSource noiseSource, int maxSequenceLength,
                       HiresFix.Plan hires, double cfgScale) {

    Scheduler takeScheduler(DiffusionPipeline pipeline) {
        Scheduler s = validatedScheduler.getAndSet(null);
        return s != null ? s : pipeline.newScheduler(schedulerName, request.eta());
    }

    /** The hires fix's second pass: this request at the target size, steps and scheduler, without a hires fix. */
    ResolvedRequest hiresPass() {
        return new ResolvedRequest(request, hires.width(), hires.height(), hires.steps(), guidance, classifierFree,
                hires.scheduler(), new AtomicReference<>(), seed, previewInterval, noiseSource, maxSequenceLength,
                null, cfgScale);
    }
}

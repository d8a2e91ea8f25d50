package io.github.diffusion4j.scheduler;

/**
 * Result of {@link Scheduler#step}: the latent for the previous timestep and the model's estimate of the clean
 * latent (diffusers' {@code prev_sample} and {@code pred_original_sample}). The latter may be {@code null} for
 * schedulers that do not compute one (PNDM).
 */
public record StepOutput(float[] prevSample, float[] predOriginalSample) {
}

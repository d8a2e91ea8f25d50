package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.scheduler.Scheduler;
import io.github.diffusion4j.scheduler.TimestepPlan;

/**
 * What a task (text-to-image, image-to-image, inpainting) changes in the shared loop, for any family: where the
 * schedule starts, which latents the loop starts from, what the denoiser sees besides the latents, and what is
 * blended back after a step. Not a second class axis next to the families: one strategy per generation.
 */
interface Task {

    /** The family's plan, cut for the task (image-to-image's strength). */
    TimestepPlan plan(TimestepPlan familyPlan);

    /** diffusers' {@code prepare_latents} for the task, drawing from {@code generator} in diffusers' order. */
    float[] prepareLatents(Scheduler scheduler, NoiseGenerator generator);

    /** The denoiser input for the scheduler-scaled latents: the latents, or latents ‖ mask ‖ masked-image latents. */
    default float[] denoiserInput(float[] scaledLatents) {
        return scaledLatents;
    }

    /** Called after step {@code i} with the new latents (in place): 4-channel inpainting blends the known region. */
    default void afterStep(int i, double[] timesteps, float[] latents, Scheduler scheduler) {
    }

    /** The task's name for metadata and events: {@code txt2img}, {@code img2img}, {@code inpaint}. */
    String name();

    /** Text-to-image: diffusers' {@code prepare_latents} — unit noise (or the caller's latents) × init_noise_sigma. */
    final class TextToImage implements Task {
        private final float[] initialLatents;
        private final int size;

        TextToImage(float[] initialLatents, int size) {
            this.initialLatents = initialLatents;
            this.size = size;
        }

        @Override
        public TimestepPlan plan(TimestepPlan familyPlan) {
            return familyPlan;
        }

        @Override
        public float[] prepareLatents(Scheduler scheduler, NoiseGenerator generator) {
            float[] latents = initialLatents != null ? initialLatents.clone() : generator.randn(size);
            scale(latents, (float) scheduler.initNoiseSigma());
            return latents;
        }

        @Override
        public String name() {
            return "txt2img";
        }
    }

    static void scale(float[] values, float factor) {
        if (factor != 1f) {
            for (int i = 0; i < values.length; i++) {
                values[i] *= factor;
            }
        }
    }
}

package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.scheduler.SchedulerConfig;

import java.util.List;

/**
 * Everything request validation needs to know about a model, and nothing that needs its sessions: a node that loads
 * no model (an API node of a distributed queue) validates against a descriptor another node published.
 *
 * @param name             model name
 * @param family           family id ({@code sd}, {@code sdxl}, {@code lcm})
 * @param familyName       the family's display name
 * @param sizeMultiple     width and height must be multiples of this many pixels
 * @param latentScale      pixels per latent cell (the VAE's scale, 8)
 * @param latentChannels   channels of the denoiser's latents
 * @param fixedBatch       the denoiser graph's fixed batch, or -1 when it is dynamic
 * @param guidance         how the model applies guidance: {@code classifier-free} (guidance scale &gt; 1 doubles the
 *                         batch), {@code embedded} (guidance-distilled, one row per image) or {@code none}
 * @param defaultWidth     width when a request gives none
 * @param defaultHeight    height when a request gives none
 * @param defaultSteps     steps when a request gives none
 * @param defaultGuidance  guidance scale when a request gives none
 * @param defaultScheduler scheduler when a request names none
 * @param defaultNoise     the noise source matching the reference implementation of the export layout
 * @param schedulers       scheduler names a request may use on this model
 * @param schedulerConfig  the model's scheduler_config.json (schedulers are built from it)
 * @param limits           the operator's limits
 * @param maxSequenceLength the default T5 {@code max_sequence_length}, 0 for families without T5
 * @param imageInput       whether the model can start from an image (it has a VAE encoder)
 * @param inpaintingOnly   whether the denoiser is a dedicated inpainting one (latents ‖ mask ‖ masked-image latents),
 *                         which needs an init image with a mask
 */
public record ModelDescriptor(String name, String family, String familyName, int sizeMultiple, int latentScale,
                              int latentChannels, int fixedBatch, String guidance, int defaultWidth, int defaultHeight,
                              int defaultSteps, double defaultGuidance, String defaultScheduler, NoiseSource defaultNoise,
                              List<String> schedulers, SchedulerConfig schedulerConfig, Limits limits,
                              int maxSequenceLength, boolean imageInput, boolean inpaintingOnly) {

    /** {@link #guidance()} of models that run classifier-free guidance. */
    public static final String CLASSIFIER_FREE = "classifier-free";
    /** {@link #guidance()} of guidance-distilled models (LCM, FLUX.1 dev). */
    public static final String EMBEDDED = "embedded";
    /** {@link #guidance()} of models that take no guidance (FLUX.1 schnell). */
    public static final String NONE = "none";

    public ModelDescriptor {
        schedulers = List.copyOf(schedulers);
    }

    /** Whether a request with {@code guidanceScale} runs the unconditional rows too. */
    public boolean classifierFree(double guidanceScale) {
        return CLASSIFIER_FREE.equals(guidance) && guidanceScale > 1.0;
    }
}

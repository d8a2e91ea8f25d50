package io.github.diffusion4j.family;

import io.github.diffusion4j.model.Denoiser;
import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.model.SessionFactory;
import io.github.diffusion4j.model.VaeDecoder;
import io.github.diffusion4j.scheduler.SchedulerConfig;
import io.github.diffusion4j.scheduler.TimestepPlan;

import java.util.Map;

/**
 * One model family (SD 1.x/2.x, SDXL, LCM, ...): how the shared denoising loop is specialised for it. A family is
 * stateless; what it loads (its {@link Conditioner}) belongs to the model that asked for it.
 * <p>
 * The loop ({@code io.github.diffusion4j.pipeline.Generation}) runs diffusers' stages for every family — encode
 * prompt, prepare latents, timesteps, denoise, decode — and asks the family only what differs: which encoders
 * ({@link #openConditioner}), how the denoiser's conditioning inputs are filled ({@link #conditioning}), whether
 * guidance is classifier-free or embedded ({@link #guidanceMode}), the latent scaling ({@link #latentCodec}), and its
 * defaults. See {@code docs/families.md} for how to add one.
 */
public interface ModelFamily {

    /** Short id used in APIs and metadata: {@code sd}, {@code sdxl}, {@code lcm}. */
    String id();

    /** Human-readable name, e.g. {@code Stable Diffusion XL}. */
    String displayName();

    /** Whether the probed folder is a model of this family. */
    boolean matches(FamilyProbe probe);

    /** The diffusers defaults of this family's pipeline. */
    FamilyDefaults defaults();

    /** The defaults for this denoiser (FLUX.1 schnell and dev share a pipeline but not their settings). */
    default FamilyDefaults defaults(Denoiser denoiser) {
        return defaults();
    }

    /** Whether prompts go through T5 (then {@code max_sequence_length} applies). */
    default boolean usesT5() {
        return false;
    }

    /** diffusers' default {@code max_sequence_length} of the family's T5 encoder (256 SD3, 512 FLUX.1). */
    default int defaultMaxSequenceLength() {
        return 256;
    }

    /**
     * The timestep plan for {@code steps} on a latent of {@code latentHeight × latentWidth}: plain by default; FLUX
     * passes its own sigmas and the resolution-dependent {@code mu} (diffusers {@code retrieve_timesteps(...,
     * sigmas=..., mu=...)}).
     */
    default TimestepPlan timestepPlan(int steps, int latentHeight, int latentWidth, SchedulerConfig config) {
        return TimestepPlan.of(steps);
    }

    /** The value fed to the denoiser's {@code timestep} input for scheduler timestep {@code t} (FLUX: t / 1000). */
    default double denoiserTimestep(double t) {
        return t;
    }

    /** Whether the family is trained for flow matching (then only flow-matching schedulers apply). */
    default boolean flowMatching() {
        return false;
    }

    /** Opens the family's tokenizers and text encoders from {@code folder}; closes what it opened if one fails. */
    Conditioner openConditioner(ModelFolder folder, SessionFactory sessions);

    /**
     * The denoiser's conditioning inputs for one row of the batch, by graph input name (each a row of the input,
     * without the batch axis). Every conditioning input of the graph must be filled.
     */
    Map<String, Row> conditioning(TextEmbeddings text, RowContext row);

    /** How guidance is applied for {@code guidanceScale} on {@code denoiser}. */
    GuidanceMode guidanceMode(double guidanceScale, Denoiser denoiser);

    /**
     * Whether an empty negative prompt means zero negative embeddings rather than the encoding of {@code ""}
     * (diffusers' {@code force_zeros_for_empty_prompt}, SDXL).
     */
    default boolean zeroNegativeForEmptyPrompt(ModelFolder folder) {
        return false;
    }

    /** The scaling between denoiser latents and VAE latents. */
    default LatentCodec latentCodec(VaeDecoder decoder) {
        return new LatentCodec(decoder.scalingFactor(), decoder.shiftFactor());
    }

    /**
     * Pixels per side the image size must be a multiple of: the VAE's scale times the denoiser's down-sampling
     * (a UNet with {@code n} blocks halves the latent {@code n − 1} times and its skip connections need exact halves).
     */
    int sizeMultiple(Denoiser denoiser, VaeDecoder decoder);

    /** One row of a conditioning input: its values and shape (without the batch axis). */
    record Row(float[] values, long[] shape) {
    }

    /**
     * What the conditioning of one row depends on besides the prompt.
     *
     * @param negative      whether this is the unconditional (negative prompt) row of classifier-free guidance
     * @param width         image width in pixels
     * @param height        image height in pixels
     * @param latentHeight  latent height (image height / the VAE's scale)
     * @param latentWidth   latent width
     * @param guidanceScale the requested guidance scale (embedded by guidance-distilled models)
     * @param denoiser      the denoiser whose inputs are filled
     * @param folder        the model folder (family settings of model_index.json)
     */
    record RowContext(boolean negative, int width, int height, int latentHeight, int latentWidth,
                      double guidanceScale, Denoiser denoiser, ModelFolder folder) {
    }

    /** How a family applies guidance. */
    enum GuidanceMode {
        /** No guidance: one denoiser row per image. */
        NONE,
        /** Classifier-free guidance: an unconditional and a conditional row per image, combined after each call. */
        CLASSIFIER_FREE,
        /** Guidance embedded in the denoiser's input (LCM's {@code timestep_cond}): one row per image. */
        EMBEDDED
    }
}

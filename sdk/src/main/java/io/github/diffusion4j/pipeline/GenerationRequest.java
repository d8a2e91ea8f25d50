package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.noise.NoiseSource;

import java.util.ArrayList;
import java.util.List;

/**
 * What to generate. Build one with {@link #builder(String)}; unset optional fields ({@code null}) fall back to the
 * model's defaults (from {@code model_index.json}, the scheduler config and the pipeline builder).
 *
 * @param prompt          the text to draw; may be empty (unconditional)
 * @param negativePrompt  text to steer away from; empty for none
 * @param width           image width in pixels, a multiple of 8; {@code null} = model default
 * @param height          image height in pixels, a multiple of 8; {@code null} = model default
 * @param steps           number of denoising steps, at least 1; {@code null} = model default
 * @param guidanceScale   classifier-free guidance scale, finite and at least 0; at most 1 disables guidance
 * @param guidanceRescale guidance rescale factor φ in [0, 1] (Lin et al. 2023); 0 = off
 * @param scheduler       scheduler name (see {@code Schedulers.names()}); {@code null} = the model's own
 * @param seed            noise seed; {@code null} = drawn at random and reported in the events
 * @param noiseSource     which reference generator the seeded noise reproduces; {@code null} = the one of the
 *                        export's reference pipeline (numpy for diffusers' legacy ONNX layout, torch otherwise)
 * @param batchSize       images per prompt, at least 1
 * @param eta             DDIM eta in [0, 1] (0 = deterministic DDIM); ignored by other schedulers
 * @param previewInterval a preview every N steps; 0 = none; {@code null} = the pipeline's default
 * @param initialLatents  explicit initial latents ([batch, channels, h/8, w/8], already scaled by the scheduler's
 *                        init noise sigma is NOT expected: pass unit-variance noise) instead of seeded noise;
 *                        {@code null} = seeded noise
 * @param prompt2         the prompt for the second text encoder of dual-encoder families (SDXL's {@code prompt_2});
 *                        empty = {@code prompt}
 * @param negativePrompt2 the negative prompt for the second text encoder; empty = {@code negativePrompt}
 * @param includeLatents  attach each step's latents (and predicted x0 where the scheduler has one) to the step
 *                        events, as diffusers' {@code callback_on_step_end} sees them; off by default (no copy per
 *                        step)
 * @param prompt3         the prompt for the third text encoder (SD3's T5, {@code prompt_3}); empty = {@code prompt}
 * @param negativePrompt3 the negative prompt for SD3's T5; empty = {@code negativePrompt}
 * @param maxSequenceLength T5's {@code max_sequence_length} (SD3, FLUX.1), 2 to 512; {@code null} = the family's
 *                        default (256 for SD3, 512 for FLUX.1)
 * @param clipSkip        CLIP layers to skip from the end, 0 to 10 (diffusers' {@code clip_skip}; A1111's "Clip skip"
 *                        is this + 1); 0 = off. SDXL and SD3 (their exports expose every hidden state)
 * @param initImage       image-to-image or inpainting input (see {@link InitImage}); {@code null} = text-to-image
 * @param guidanceInterval where classifier-free guidance applies (see {@link GuidanceInterval}); {@code null} = every
 *                        step
 * @param promptWeighting AUTOMATIC1111's emphasis syntax in CLIP prompts ({@code (word)} ×1.1, {@code (word:1.3)},
 *                        {@code [word]} ÷1.1, {@code \(} literal, {@code BREAK}); default on, off for literal brackets
 * @param longPrompts     CLIP prompts past 75 tokens encoded in chunks of 75 and joined (A1111) instead of truncated
 *                        (diffusers); default on
 * @param hires           hires fix (see {@link HiresFix}): generate at this request's size, upscale, refine with
 *                        image-to-image at the target size; {@code null} = off. Text-to-image only
 * @param trueCfgScale    FLUX.1's true classifier-free guidance (diffusers {@code FluxPipeline}'s {@code true_cfg_scale}):
 *                        above 1 with a negative prompt, the negative prompt's prediction is run too and the two are
 *                        combined as {@code neg + s·(pos − neg)}; at least 1; {@code null} = 1 (off)
 */
public record GenerationRequest(
        String prompt,
        String negativePrompt,
        Integer width,
        Integer height,
        Integer steps,
        Double guidanceScale,
        double guidanceRescale,
        String scheduler,
        Long seed,
        NoiseSource noiseSource,
        int batchSize,
        double eta,
        Integer previewInterval,
        float[] initialLatents,
        String prompt2,
        String negativePrompt2,
        boolean includeLatents,
        String prompt3,
        String negativePrompt3,
        Integer maxSequenceLength,
        int clipSkip,
        InitImage initImage,
        GuidanceInterval guidanceInterval,
        boolean promptWeighting,
        boolean longPrompts,
        HiresFix hires,
        Double trueCfgScale) {

    public GenerationRequest {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        prompt2 = prompt2 == null ? "" : prompt2;
        negativePrompt2 = negativePrompt2 == null ? "" : negativePrompt2;
        prompt3 = prompt3 == null ? "" : prompt3;
        guidanceInterval = guidanceInterval == null ? GuidanceInterval.ALWAYS : guidanceInterval;
        negativePrompt3 = negativePrompt3 == null ? "" : negativePrompt3;
        List<Violation> violations = new ArrayList<>();
        if (clipSkip < 0 || clipSkip > 10) {
            violations.add(new Violation("clipSkip", String.valueOf(clipSkip), "clipSkip must be between 0 and 10, got "
                    + clipSkip));
        }
        if (maxSequenceLength != null && (maxSequenceLength < 2 || maxSequenceLength > 512)) {
            violations.add(new Violation("maxSequenceLength", String.valueOf(maxSequenceLength),
                    "maxSequenceLength must be between 2 and 512, got " + maxSequenceLength));
        }
        if (width != null && (width < 8 || width % 8 != 0)) {
            violations.add(new Violation("width", String.valueOf(width), "width must be a positive multiple of 8, got " + width));
        }
        if (height != null && (height < 8 || height % 8 != 0)) {
            violations.add(new Violation("height", String.valueOf(height), "height must be a positive multiple of 8, got " + height));
        }
        if (steps != null && steps < 1) {
            violations.add(new Violation("steps", String.valueOf(steps), "steps must be at least 1, got " + steps));
        }
        if (guidanceScale != null && (!Double.isFinite(guidanceScale) || guidanceScale < 0)) {
            violations.add(new Violation("guidanceScale", String.valueOf(guidanceScale),
                    "guidanceScale must be finite and at least 0, got " + guidanceScale));
        }
        if (trueCfgScale != null && (!Double.isFinite(trueCfgScale) || trueCfgScale < 1)) {
            violations.add(new Violation("trueCfgScale", String.valueOf(trueCfgScale),
                    "trueCfgScale must be finite and at least 1 (1 = off), got " + trueCfgScale));
        }
        if (!Double.isFinite(guidanceRescale) || guidanceRescale < 0 || guidanceRescale > 1) {
            violations.add(new Violation("guidanceRescale", String.valueOf(guidanceRescale),
                    "guidanceRescale must be in [0, 1], got " + guidanceRescale));
        }
        if (batchSize < 1) {
            violations.add(new Violation("batchSize", String.valueOf(batchSize), "batchSize must be at least 1, got " + batchSize));
        }
        if (!Double.isFinite(eta) || eta < 0 || eta > 1) {
            violations.add(new Violation("eta", String.valueOf(eta), "eta must be in [0, 1], got " + eta));
        }
        if (previewInterval != null && previewInterval < 0) {
            violations.add(new Violation("previewInterval", String.valueOf(previewInterval),
                    "previewInterval must be at least 0 (0 = off), got " + previewInterval));
        }
        if (initialLatents != null && initialLatents.length == 0) {
            violations.add(new Violation("initialLatents", "0 values", "initialLatents must not be empty"));
        }
        if (initImage != null) {
            checkInitImage(initImage, initialLatents != null, violations);
        }
        if (hires != null && initImage != null) {
            violations.add(new Violation("hires", "given", "hires fix applies to text-to-image only: give either hires"
                    + " or an init image"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
    }

    private static void checkInitImage(InitImage init, boolean withLatents, List<Violation> violations) {
        if (!(init.strength() > 0) || init.strength() > 1) {
            violations.add(new Violation("strength", String.valueOf(init.strength()),
                    "strength must be in (0, 1], got " + init.strength()));
        }
        if (init.mask() != null && (init.mask().getWidth() != init.image().getWidth()
                || init.mask().getHeight() != init.image().getHeight())) {
            violations.add(new Violation("mask", init.mask().getWidth() + "x" + init.mask().getHeight(),
                    "mask must have the size of the image (" + init.image().getWidth() + "x" + init.image().getHeight()
                            + "), got " + init.mask().getWidth() + "x" + init.mask().getHeight()));
        }
        if (init.paddingMaskCrop() != null && init.mask() != null && !MaskCrop.anyMasked(init.mask())) {
            violations.add(new Violation("mask", "all black", "paddingMaskCrop crops around the mask's non-black"
                    + " pixels; the mask has none"));
        }
        if (withLatents) {
            violations.add(new Violation("initialLatents", "given", "initialLatents and an init image exclude each"
                    + " other: the init image's latents are the start"));
        }
    }

    /** A builder starting from {@code prompt} and the model's defaults. */
    public static Builder builder(String prompt) {
        return new Builder().prompt(prompt);
    }

    /** A builder pre-filled with this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.prompt = prompt;
        b.negativePrompt = negativePrompt;
        b.width = width;
        b.height = height;
        b.steps = steps;
        b.guidanceScale = guidanceScale;
        b.guidanceRescale = guidanceRescale;
        b.scheduler = scheduler;
        b.seed = seed;
        b.noiseSource = noiseSource;
        b.batchSize = batchSize;
        b.eta = eta;
        b.previewInterval = previewInterval;
        b.initialLatents = initialLatents;
        b.prompt2 = prompt2;
        b.negativePrompt2 = negativePrompt2;
        b.includeLatents = includeLatents;
        b.prompt3 = prompt3;
        b.negativePrompt3 = negativePrompt3;
        b.maxSequenceLength = maxSequenceLength;
        b.clipSkip = clipSkip;
        b.initImage = initImage;
        b.guidanceInterval = guidanceInterval;
        b.promptWeighting = promptWeighting;
        b.longPrompts = longPrompts;
        b.hires = hires;
        b.trueCfgScale = trueCfgScale;
        return b;
    }

    /** Fluent builder; {@link #build()} validates. */
    public static final class Builder {
        private String prompt = "";
        private String negativePrompt = "";
        private Integer width;
        private Integer height;
        private Integer steps;
        private Double guidanceScale;
        private double guidanceRescale;
        private String scheduler;
        private Long seed;
        private NoiseSource noiseSource;
        private int batchSize = 1;
        private double eta;
        private Integer previewInterval;
        private float[] initialLatents;
        private String prompt2 = "";
        private String negativePrompt2 = "";
        private boolean includeLatents;
        private String prompt3 = "";
        private String negativePrompt3 = "";
        private Integer maxSequenceLength;
        private int clipSkip;
        private InitImage initImage;
        private GuidanceInterval guidanceInterval;
        private boolean promptWeighting = true;
        private boolean longPrompts = true;
        private HiresFix hires;
        private Double trueCfgScale;

        private Builder() {
        }

        public Builder prompt(String prompt) {
            this.prompt = prompt;
            return this;
        }

        public Builder negativePrompt(String negativePrompt) {
            this.negativePrompt = negativePrompt;
            return this;
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder width(Integer width) {
            this.width = width;
            return this;
        }

        public Builder height(Integer height) {
            this.height = height;
            return this;
        }

        public Builder steps(Integer steps) {
            this.steps = steps;
            return this;
        }

        public Builder guidanceScale(Double guidanceScale) {
            this.guidanceScale = guidanceScale;
            return this;
        }

        public Builder guidanceRescale(double guidanceRescale) {
            this.guidanceRescale = guidanceRescale;
            return this;
        }

        public Builder scheduler(String scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder noiseSource(NoiseSource noiseSource) {
            this.noiseSource = noiseSource;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder eta(double eta) {
            this.eta = eta;
            return this;
        }

        public Builder previewInterval(Integer previewInterval) {
            this.previewInterval = previewInterval;
            return this;
        }

        public Builder initialLatents(float[] initialLatents) {
            this.initialLatents = initialLatents;
            return this;
        }

        /** The prompt of the second text encoder (SDXL {@code prompt_2}); empty = the prompt. */
        public Builder prompt2(String prompt2) {
            this.prompt2 = prompt2;
            return this;
        }

        /** The negative prompt of the second text encoder (SDXL {@code negative_prompt_2}); empty = the negative prompt. */
        public Builder negativePrompt2(String negativePrompt2) {
            this.negativePrompt2 = negativePrompt2;
            return this;
        }

        /** Attach each step's latents (and predicted x0) to the step events; default off. */
        public Builder includeLatents(boolean includeLatents) {
            this.includeLatents = includeLatents;
            return this;
        }

        /** The prompt of SD3's third (T5) encoder ({@code prompt_3}); empty = the prompt. */
        public Builder prompt3(String prompt3) {
            this.prompt3 = prompt3;
            return this;
        }

        /** The negative prompt of SD3's T5 encoder ({@code negative_prompt_3}); empty = the negative prompt. */
        public Builder negativePrompt3(String negativePrompt3) {
            this.negativePrompt3 = negativePrompt3;
            return this;
        }

        /** T5's {@code max_sequence_length} (SD3, FLUX.1); {@code null} = the family default. */
        public Builder maxSequenceLength(Integer maxSequenceLength) {
            this.maxSequenceLength = maxSequenceLength;
            return this;
        }

        /** CLIP layers to skip from the end (diffusers' {@code clip_skip}); 0 = off. */
        public Builder clipSkip(int clipSkip) {
            this.clipSkip = clipSkip;
            return this;
        }

        /** Start from an image (image-to-image) or repaint part of it (inpainting); {@code null} = text-to-image. */
        public Builder initImage(InitImage initImage) {
            this.initImage = initImage;
            return this;
        }

        /** Where classifier-free guidance applies; {@code null} = every step. */
        public Builder guidanceInterval(GuidanceInterval guidanceInterval) {
            this.guidanceInterval = guidanceInterval;
            return this;
        }

        /** A1111 emphasis syntax in prompts; default on (off: brackets are literal text). */
        public Builder promptWeighting(boolean promptWeighting) {
            this.promptWeighting = promptWeighting;
            return this;
        }

        /** Prompts past 75 CLIP tokens in chunks (A1111) rather than truncated (diffusers); default on. */
        public Builder longPrompts(boolean longPrompts) {
            this.longPrompts = longPrompts;
            return this;
        }

        /** Hires fix (upscale, then image-to-image at the target size); {@code null} = off. */
        public Builder hires(HiresFix hires) {
            this.hires = hires;
            return this;
        }

        /**
         * FLUX.1 true classifier-free guidance scale (diffusers' {@code true_cfg_scale}); applies with a negative
         * prompt; {@code null} or 1 = off.
         */
        public Builder trueCfgScale(Double trueCfgScale) {
            this.trueCfgScale = trueCfgScale;
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(prompt, negativePrompt, width, height, steps, guidanceScale, guidanceRescale,
                    scheduler, seed, noiseSource, batchSize, eta, previewInterval, initialLatents, prompt2,
                    negativePrompt2, includeLatents, prompt3, negativePrompt3, maxSequenceLength, clipSkip, initImage, guidanceInterval,
                    promptWeighting, longPrompts, hires, trueCfgScale);
        }
    }
}

package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.family.ModelFamilies;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.scheduler.Scheduler;
import io.github.diffusion4j.scheduler.SchedulerConfig;
import io.github.diffusion4j.scheduler.Schedulers;
import io.github.diffusion4j.scheduler.TimestepPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * Request validation in one place, without sessions: checks a {@link GenerationRequest} against a
 * {@link ModelDescriptor} and reports every violation at once (field, value, allowed range). The SDK throws them as
 * one {@link InvalidRequestException}; REST layers render {@link #validate} as a problem listing each field.
 * <p>
 * Defaults follow one rule everywhere: the request's value, else the pipeline's configured default (builder or
 * extension configuration), else the model folder's recommendation, else the family's diffusers default — all
 * already folded into the descriptor's defaults.
 */
public final class RequestValidator {

    /** The field of a violation of the memory budget: the fields it multiplies. */
    public static final String PIXELS_FIELD = "width*height*batchSize";
    /** The field of a violation of the work budget: the fields it multiplies. */
    public static final String COST_FIELD = "width*height*steps*batchSize";

    private RequestValidator() {
    }

    /**
     * A request with its defaults applied, checked against one model.
     *
     * @param scheduler the scheduler built while validating (its {@code setTimesteps} accepted the steps), or
     *                  {@code null} when the request is invalid
     * @param cfgScale  the scale combining the unconditional and conditional rows when {@code classifierFree}: the
     *                  guidance scale, or FLUX's true CFG scale (its guidance scale stays embedded)
     */
    public record Outcome(List<Violation> violations, int width, int height, int steps, double guidance,
                          boolean classifierFree, String schedulerName, NoiseSource noiseSource, Scheduler scheduler,
                          int maxSequenceLength, HiresFix.Plan hires, double cfgScale) {

        public boolean valid() {
            return violations.isEmpty();
        }

        /** @throws InvalidRequestException listing every violation, when there is any */
        public Outcome orThrow() {
            if (!violations.isEmpty()) {
                throw new InvalidRequestException(violations);
            }
            return this;
        }
    }

    /** Every violation of {@code request} on {@code model}; empty when it can run. */
    public static List<Violation> validate(GenerationRequest request, ModelDescriptor model) {
        return check(request, model).violations();
    }

    /** Validates and applies the defaults. */
    public static Outcome check(GenerationRequest r, ModelDescriptor model) {
        List<Violation> out = new ArrayList<>();
        Limits limits = model.limits();
        // an init image gives the size when the request does not (diffusers: get_default_height_width rounds it down)
        int m = model.sizeMultiple();
        int width = r.width() != null ? r.width()
                : r.initImage() != null ? Math.max(m, r.initImage().image().getWidth() / m * m) : model.defaultWidth();
        int height = r.height() != null ? r.height()
                : r.initImage() != null ? Math.max(m, r.initImage().image().getHeight() / m * m) : model.defaultHeight();
        int steps = r.steps() != null ? r.steps() : model.defaultSteps();
        double guidance = r.guidanceScale() != null ? r.guidanceScale() : model.defaultGuidance();
        NoiseSource noise = r.noiseSource() != null ? r.noiseSource() : model.defaultNoise();
        int multiple = model.sizeMultiple();
        size(out, "width", width, multiple, limits.maxWidth());
        size(out, "height", height, multiple, limits.maxHeight());
        if (steps < 1 || steps > limits.maxSteps()) {
            out.add(new Violation("steps", String.valueOf(steps), "steps must be between 1 and " + limits.maxSteps()
                    + ", got " + steps));
        }
        if (r.batchSize() > limits.maxBatch()) {
            out.add(new Violation("batchSize", String.valueOf(r.batchSize()), "batchSize must be between 1 and "
                    + limits.maxBatch() + ", got " + r.batchSize()));
        }
        text(out, "prompt", r.prompt(), limits.maxPromptLength());
        text(out, "negativePrompt", r.negativePrompt(), limits.maxPromptLength());
        text(out, "prompt2", r.prompt2(), limits.maxPromptLength());
        if (r.seed() != null && noise == NoiseSource.NUMPY && (r.seed() < 0 || r.seed() > 0xFFFFFFFFL)) {
            out.add(new Violation("seed", String.valueOf(r.seed()),
                    "seed must be between 0 and 4294967295 for noise source numpy, got " + r.seed()));
        }
        boolean trueCfg = trueCfg(out, r, model);
        boolean classifierFree = model.classifierFree(guidance) || trueCfg;
        batchFits(out, r.batchSize(), classifierFree, model.fixedBatch());
        initialLatents(out, r, model, width, height);
        String schedulerName = r.scheduler() != null && !r.scheduler().isBlank() ? r.scheduler().trim()
                : model.defaultScheduler();
        text(out, "prompt3", r.prompt3(), limits.maxPromptLength());
        imageInput(out, r, model);
        if (r.maxSequenceLength() != null && model.maxSequenceLength() == 0) {
            out.add(new Violation("maxSequenceLength", String.valueOf(r.maxSequenceLength()), "maxSequenceLength applies"
                    + " only to models with a T5 encoder (SD3, FLUX.1); " + model.familyName() + " has none"));
        }
        int sequence = r.maxSequenceLength() != null ? r.maxSequenceLength() : model.maxSequenceLength();
        Scheduler scheduler = scheduler(out, schedulerName, r.eta(), steps, model, width, height);
        HiresFix.Plan hires = r.hires() == null ? null : hires(out, r, model, width, height, steps, schedulerName);
        if (out.isEmpty()) {
            // the budgets speak of what the fields do together: only once each field is within its own bound
            out.addAll(budgets(width, height, steps, r.initImage() != null ? r.initImage().strength() : null,
                    r.batchSize(), hires == null ? null : new Pass(hires.width(), hires.height(), hires.steps(),
                            hires.strength()),
                    Budgets.of(limits, model.defaultWidth(), model.defaultHeight(), model.defaultSteps())));
        }
        return new Outcome(List.copyOf(out), width, height, steps, guidance, classifierFree, schedulerName, noise,
                out.isEmpty() ? scheduler : null, sequence, hires, trueCfg ? r.trueCfgScale() : guidance);
    }

    /**
     * The hires fix's second pass on this model: its target size in the size multiple and the limits, at least one
     * step after the strength cut, a scheduler of the model, and a VAE encoder for the pixel upscalers.
     */
    private static HiresFix.Plan hires(List<Violation> out, GenerationRequest r, ModelDescriptor model, int width,
                                       int height, int steps, String schedulerName) {
        HiresFix h = r.hires();
        int m = model.sizeMultiple();
        int[] target = h.target(width, height);
        int w = target[0] / m * m;
        int ht = target[1] / m * m;
        Limits limits = model.limits();
        hiresSize(out, h.resizes() ? (h.width() != null ? "hires.width" : "hires.height") : "hires.scale", "width", w, m,
                limits.maxWidth());
        hiresSize(out, h.resizes() ? (h.height() != null ? "hires.height" : "hires.width") : "hires.scale", "height", ht,
                m, limits.maxHeight());
        int hiresSteps = h.steps() == 0 ? steps : h.steps();
        if (hiresSteps > limits.maxSteps()) {
            out.add(new Violation("hires.steps", String.valueOf(h.steps()), "hires.steps must be between 0 (the request's"
                    + " steps) and " + limits.maxSteps() + ", got " + hiresSteps));
        } else if ((int) (hiresSteps * h.strength()) < 1) {
            out.add(new Violation("hires.strength", String.valueOf(h.strength()), "hires.strength × hires steps must"
                    + " leave at least one step (diffusers' get_timesteps: int(steps × strength) ≥ 1), got "
                    + h.strength() + " × " + hiresSteps));
        }
        if (!h.upscaler().latent() && !model.imageInput()) {
            out.add(new Violation("hires.upscaler", h.upscaler().id(), "hires.upscaler " + h.upscaler().id() + " decodes"
                    + " and encodes again, and this model has no vae_encoder/model.onnx; use a latent upscaler"));
        }
        String hiresScheduler = h.scheduler() != null ? h.scheduler() : schedulerName;
        if (h.scheduler() != null) {
            List<Violation> schedulerViolations = new ArrayList<>();
            scheduler(schedulerViolations, hiresScheduler, r.eta(), hiresSteps, model, Math.max(w, m), Math.max(ht, m));
            for (Violation v : schedulerViolations) {
                out.add(new Violation("hires." + v.field(), v.value(), "hires." + v.field() + ": " + v.message()));
            }
        }
        return new HiresFix.Plan(w, ht, hiresSteps, hiresScheduler, h.strength(), h.upscaler());
    }

    private static void hiresSize(List<Violation> out, String field, String side, int value, int multiple, int max) {
        if (value < multiple || value > max) {
            out.add(new Violation(field, String.valueOf(value), field + " gives a hires " + side + " of " + value
                    + " (rounded down to the model's size multiple " + multiple + "); it must be between " + multiple
                    + " and " + max));
        }
    }

    /**
     * FLUX.1 true CFG: diffusers' {@code do_true_cfg = true_cfg_scale > 1 and has_neg_prompt}
     * (pipelines/flux/pipeline_flux.py, {@code FluxPipeline.__call__}, lines 766-769 at 58eb52c); without a
     * negative prompt the scale is ignored as there. Other families guide with {@code guidanceScale}.
     */
    private static boolean trueCfg(List<Violation> out, GenerationRequest r, ModelDescriptor model) {
        if (r.trueCfgScale() == null || r.trueCfgScale() <= 1.0) {
            return false;
        }
        if (!"flux".equals(model.family())) {
            out.add(new Violation("trueCfgScale", String.valueOf(r.trueCfgScale()), "trueCfgScale applies only to"
                    + " FLUX.1 models (diffusers' true_cfg_scale); " + model.familyName()
                    + " uses guidanceScale for classifier-free guidance"));
            return false;
        }
        return !r.negativePrompt().isEmpty();
    }

    /**
     * The steps a request really runs: all of them for text-to-image; with an init image at {@code strength},
     * {@code min(int(steps × strength), steps)}, as diffusers' {@code get_timesteps} cuts the schedule
     * ({@code StableDiffusionImg2ImgPipeline.get_timesteps} in
     * {@code diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion_img2img.py}; {@link
     * io.github.diffusion4j.scheduler.TimestepPlan#skippedSteps} is the same cut).
     */
    public static int stepsRun(int steps, Double strength) {
        return strength == null ? steps : Math.min((int) (steps * strength), steps);
    }

    /** Pixels of a request, the measure of its memory: width × height × batch. */
    public static long pixels(int width, int height, int batch) {
        return (long) width * height * batch;
    }

    /** Pixel-steps of a request, the measure of its work: width × height × {@link #stepsRun steps run} × batch. */
    public static long cost(int width, int height, int steps, Double strength, int batch) {
        return pixels(width, height, batch) * stepsRun(steps, strength);
    }

    /**
     * The memory and work budgets a request is held to: the limits', raised where needed so that the model's own
     * default request (one image at its default size and steps) is never refused, whatever the configuration.
     *
     * @param maxPixels most width × height × batch
     * @param maxCost   most width × height × steps run × batch
     */
    public record Budgets(long maxPixels, long maxCost) {

        /** The budgets of {@code limits} on a model with these defaults. */
        public static Budgets of(Limits limits, int defaultWidth, int defaultHeight, int defaultSteps) {
            long nativePixels = pixels(defaultWidth, defaultHeight, 1);
            return new Budgets(Math.max(limits.maxPixels(), nativePixels),
                    Math.max(limits.maxCost(), nativePixels * defaultSteps));
        }
    }

    /**
     * A second denoising pass of a request (the hires fix): its size, its steps before the strength cut and its
     * strength. It runs at its own size, so it is what the memory budget sees when it is the larger one, and its steps
     * add to the work.
     */
    public record Pass(int width, int height, int steps, double strength) {

        /** The hires pass of {@code hires} after a first pass of {@code width} × {@code height}, {@code steps}. */
        public static Pass hires(HiresFix hires, int width, int height, int steps, int sizeMultiple) {
            int[] target = hires.target(width, height);
            return new Pass(target[0] / sizeMultiple * sizeMultiple, target[1] / sizeMultiple * sizeMultiple,
                    hires.steps() == 0 ? steps : hires.steps(), hires.strength());
        }
    }

    /**
     * The budget violations of a request whose fields are each within their bounds. Session-free, so that a REST
     * layer (also on a node without the model) refuses with the same numbers and words as the pipeline.
     * {@code strength} is that of the init image, {@code null} without one; {@code second} the hires pass, or
     * {@code null}.
     */
    public static List<Violation> budgets(int width, int height, int steps, Double strength, int batch, Pass second,
                                          Budgets budgets) {
        List<Violation> out = new ArrayList<>();
        boolean secondLarger = second != null && (long) second.width() * second.height() > (long) width * height;
        int pw = secondLarger ? second.width() : width;
        int ph = secondLarger ? second.height() : height;
        long pixels = pixels(pw, ph, batch);
        if (pixels > budgets.maxPixels()) {
            out.add(new Violation(PIXELS_FIELD, String.valueOf(pixels), PIXELS_FIELD + " must be at most "
                    + budgets.maxPixels() + " pixels (the memory budget, limits.max-pixels), got " + pw + " × "
                    + ph + " × " + batch + (secondLarger ? " (the hires pass)" : "") + " = " + pixels));
        }
        long cost = cost(width, height, steps, strength, batch);
        String work = width + " × " + height + " × " + stepsRun(steps, strength)
                + (stepsRun(steps, strength) != steps ? " (of " + steps + " at strength " + strength + ")" : "")
                + " × " + batch;
        if (second != null) {
            int run = stepsRun(second.steps(), second.strength());
            cost += pixels(second.width(), second.height(), batch) * run;
            work += " + " + second.width() + " × " + second.height() + " × " + run + " (hires, of " + second.steps()
                    + " at strength " + second.strength() + ") × " + batch;
        }
        if (cost > budgets.maxCost()) {
            out.add(new Violation(COST_FIELD, String.valueOf(cost), COST_FIELD + " must be at most "
                    + budgets.maxCost() + " pixel-steps (the work budget, limits.max-cost), got " + work + " = " + cost));
        }
        return out;
    }

    /** {@link #budgets(int, int, int, Double, int, Pass, Budgets)} of a request without a second pass. */
    public static List<Violation> budgets(int width, int height, int steps, Double strength, int batch,
                                          Budgets budgets) {
        return budgets(width, height, steps, strength, batch, null, budgets);
    }

    private static void imageInput(List<Violation> out, GenerationRequest r, ModelDescriptor model) {
        if (r.initImage() != null && !model.imageInput()) {
            out.add(new Violation("initImage", "given", "this model cannot start from an image: its folder has no"
                    + " vae_encoder/model.onnx"));
        }
        if (model.inpaintingOnly() && (r.initImage() == null || r.initImage().mask() == null)) {
            out.add(new Violation("initImage", r.initImage() == null ? "absent" : "no mask", "this is an inpainting"
                    + " model (its denoiser takes latents, mask and masked-image latents): give an init image with a"
                    + " mask"));
        }
    }

    private static void size(List<Violation> out, String field, int value, int multiple, int max) {
        if (value < multiple || value > max || value % multiple != 0) {
            out.add(new Violation(field, String.valueOf(value), field + " must be a multiple of " + multiple
                    + " between " + multiple + " and " + max + ", got " + value));
        }
    }

    private static void text(List<Violation> out, String field, String value, int max) {
        if (value != null && value.length() > max) {
            out.add(new Violation(field, value.length() + " characters", field + " must be at most " + max
                    + " characters, got " + value.length()));
        }
    }

    private static void batchFits(List<Violation> out, int batch, boolean classifierFree, int fixed) {
        int rows = classifierFree ? 2 * batch : batch;
        if (fixed > 0 && rows % fixed != 0 && rows > fixed) {
            out.add(new Violation("batchSize", String.valueOf(batch), "batchSize " + batch + " does not fit this"
                    + " model's denoiser, whose batch axis is fixed at " + fixed));
        } else if (fixed > 1 && rows < fixed) {
            out.add(new Violation("batchSize", String.valueOf(batch), "this model's denoiser requires a batch of exactly "
                    + fixed + "; use batchSize " + (classifierFree ? Math.max(1, fixed / 2) : fixed)));
        }
    }

    private static void initialLatents(List<Violation> out, GenerationRequest r, ModelDescriptor model, int width,
                                       int height) {
        if (r.initialLatents() == null) {
            return;
        }
        int scale = model.latentScale();
        int c = model.latentChannels();
        long expected = (long) r.batchSize() * c * (height / scale) * (width / scale);
        if (r.initialLatents().length != expected) {
            out.add(new Violation("initialLatents", r.initialLatents().length + " values", "initialLatents must have "
                    + expected + " values ([" + r.batchSize() + ", " + c + ", " + height / scale + ", " + width / scale
                    + "]), got " + r.initialLatents().length));
        }
    }

    private static Scheduler scheduler(List<Violation> out, String name, double eta, int steps, ModelDescriptor model,
                                       int width, int height) {
        SchedulerConfig config = model.schedulerConfig();
        if (eta != 0) {
            config = config.with("eta", eta);
        }
        Scheduler scheduler;
        try {
            scheduler = Schedulers.create(name, config);
        } catch (IllegalArgumentException e) {
            out.add(new Violation("scheduler", name, e.getMessage()));
            return null;
        }
        if (!model.schedulers().isEmpty() && !model.schedulers().contains(scheduler.name())) {
            out.add(new Violation("scheduler", name, "scheduler '" + name + "' does not apply to " + model.familyName()
                    + " models; valid: " + String.join(", ", model.schedulers())));
            return null;
        }
        if (steps >= 1 && steps <= model.limits().maxSteps()) {
            try {
                int scale = model.latentScale();
                TimestepPlan plan = ModelFamilies.byId(model.family())
                        .map(f -> f.timestepPlan(steps, height / scale, width / scale, scheduler.config()))
                        .orElse(TimestepPlan.of(steps));
                scheduler.setTimesteps(plan);
            } catch (IllegalArgumentException e) {
                out.add(new Violation("steps", String.valueOf(steps), e.getMessage()));
            }
        }
        return scheduler;
    }
}

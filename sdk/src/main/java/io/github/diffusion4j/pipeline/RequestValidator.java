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

    private RequestValidator() {
    }

    /**
     * A request with its defaults applied, checked against one model.
     *
     * @param scheduler the scheduler built while validating (its {@code setTimesteps} accepted the steps), or
     *                  {@code null} when the request is invalid
     */
    public record Outcome(List<Violation> violations, int width, int height, int steps, double guidance,
                          boolean classifierFree, String schedulerName, NoiseSource noiseSource, Scheduler scheduler,
                          int maxSequenceLength) {

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
        boolean classifierFree = model.classifierFree(guidance);
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
        return new Outcome(List.copyOf(out), width, height, steps, guidance, classifierFree, schedulerName, noise,
                out.isEmpty() ? scheduler : null, sequence);
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

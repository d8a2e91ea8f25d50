package io.github.diffusion4j.quarkus.runtime.rest;

import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.queue.ModelCatalog;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import io.github.diffusion4j.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks an {@link ImageRequest} against the known models (local, or published by workers) and their limits, collecting every invalid field
 * (the SDK stops at the first), then builds the SDK request. Model names are only looked up among configured
 * names: a request's name never reaches the file system.
 */
final class ImageRequests {

    /** Largest guidance scale accepted: far above any useful value, low enough to stay finite in the UNet maths. */
    static final double MAX_GUIDANCE = 100.0;
    static final long MAX_NUMPY_SEED = 0xFFFFFFFFL;
    /** Longer than any registered name or diffusers class name; keeps a 60 kB "name" out of the messages. */
    static final int MAX_SCHEDULER_NAME = 64;

    /** A checked request: which model runs it and the SDK request. */
    record Resolved(String model, GenerationRequest request) {
    }

    private ImageRequests() {
    }

    static Resolved resolve(ModelCatalog models, ImageRequest r) {
        if (r == null) {
            throw new InvalidRequestException("body", "is required: a JSON object with at least \"prompt\"");
        }
        List<FieldError> errors = new ArrayList<>();
        for (String unknown : r.unknownFields()) {
            errors.add(new FieldError(Problems.shorten(unknown), "unknown field; known fields: " + ImageRequest.FIELDS));
        }
        String modelName = r.model != null ? r.model : models.defaultName();
        Optional<ModelDescriptor> selected = models.get(modelName);
        if (selected.isEmpty()) {
            errors.add(new FieldError("model", "unknown model '" + Problems.shorten(modelName) + "'; valid names: "
                    + models.names()));
        }
        // Check the other fields against the default model's limits when the name is wrong, to report them all.
        ModelDescriptor limits = selected.orElseGet(() -> models.get(models.defaultName()).orElse(null));
        if (limits == null) {
            throw new InvalidRequestException(errors);
        }
        int scale = limits.sizeMultiple();
        if (r.prompt == null) {
            errors.add(new FieldError("prompt", "is required (a string, may be empty)"));
        } else if (r.prompt.length() > limits.maxPromptLength()) {
            errors.add(new FieldError("prompt", "must be at most " + limits.maxPromptLength() + " characters, got "
                    + r.prompt.length()));
        }
        if (r.negativePrompt != null && r.negativePrompt.length() > limits.maxPromptLength()) {
            errors.add(new FieldError("negativePrompt", "must be at most " + limits.maxPromptLength()
                    + " characters, got " + r.negativePrompt.length()));
        }
        checkSize(errors, "width", r.width, scale, limits.maxWidth());
        checkSize(errors, "height", r.height, scale, limits.maxHeight());
        if (r.steps != null && (r.steps < 1 || r.steps > limits.maxSteps())) {
            errors.add(new FieldError("steps", "must be between 1 and " + limits.maxSteps() + ", got " + r.steps));
        }
        if (r.guidanceScale != null && (!Double.isFinite(r.guidanceScale) || r.guidanceScale < 0
                || r.guidanceScale > MAX_GUIDANCE)) {
            errors.add(new FieldError("guidanceScale", "must be a finite number between 0 and " + (int) MAX_GUIDANCE
                    + ", got " + r.guidanceScale));
        }
        if (r.batch != null && (r.batch < 1 || r.batch > limits.maxBatch())) {
            errors.add(new FieldError("batch", "must be between 1 and " + limits.maxBatch() + ", got " + r.batch));
        }
        if (r.previewInterval != null && (r.previewInterval < 0 || r.previewInterval > limits.maxSteps())) {
            errors.add(new FieldError("previewInterval", "must be between 0 (no previews) and " + limits.maxSteps()
                    + ", got " + r.previewInterval));
        }
        String scheduler = r.scheduler != null && !r.scheduler.isBlank() ? r.scheduler.trim() : null;
        if (scheduler != null) {
            checkScheduler(errors, limits, scheduler);
        }
        NoiseSource noise = NoiseSource.TORCH;
        if (r.noise != null) {
            String n = r.noise.trim().toLowerCase(Locale.ROOT);
            if (n.equals("torch")) {
                noise = NoiseSource.TORCH;
            } else if (n.equals("numpy")) {
                noise = NoiseSource.NUMPY;
            } else {
                errors.add(new FieldError("noise", "must be one of [torch, numpy], got '" + Problems.shorten(r.noise) + "'"));
            }
        }
        if (r.seed != null) {
            long max = noise == NoiseSource.NUMPY ? MAX_NUMPY_SEED : Long.MAX_VALUE;
            if (r.seed < 0 || r.seed > max) {
                errors.add(new FieldError("seed", "must be between 0 and " + max
                        + (noise == NoiseSource.NUMPY ? " for noise numpy" : "") + ", got " + r.seed));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        GenerationRequest request = GenerationRequest.builder(r.prompt)
                .negativePrompt(r.negativePrompt)
                .width(r.width)
                .height(r.height)
                .steps(r.steps)
                .guidanceScale(r.guidanceScale)
                .scheduler(scheduler)
                .seed(r.seed)
                .noiseSource(noise)
                .batchSize(r.batch != null ? r.batch : 1)
                .previewInterval(r.previewInterval)
                .build();
        return new Resolved(modelName, request);
    }

    /**
     * Whatever the SDK accepts is accepted: registry names, aliases ({@code dpmpp_2m_karras}) and diffusers class names
     * ({@code DDIMScheduler}), in any case, as {@code Schedulers.canonicalName} resolves them, as long as the scheduler
     * it names is one of the model's (the descriptor lists its family's schedulers, also on an API-only node).
     */
    private static void checkScheduler(List<FieldError> errors, ModelDescriptor model, String scheduler) {
        if (scheduler.length() > MAX_SCHEDULER_NAME) {
            errors.add(new FieldError("scheduler", "must be at most " + MAX_SCHEDULER_NAME + " characters; valid "
                    + "names: " + model.schedulers()));
            return;
        }
        String canonical;
        try {
            canonical = Schedulers.canonicalName(scheduler);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() != null ? e.getMessage() : "is unknown";
            // the SDK's message starts with the field name, as every request validation message does
            errors.add(new FieldError("scheduler", message.startsWith("scheduler ")
                    ? message.substring("scheduler ".length()) : message));
            return;
        }
        if (!model.schedulers().contains(canonical)) {
            errors.add(new FieldError("scheduler", "'" + Problems.shorten(scheduler) + "' (" + canonical
                    + ") does not run on model '" + model.name() + "'; valid names: " + model.schedulers()));
        }
    }

    private static void checkSize(List<FieldError> errors, String field, Integer value, int scale, int max) {
        if (value != null && (value < scale || value > max || value % scale != 0)) {
            errors.add(new FieldError(field, "must be a multiple of " + scale + " between " + scale + " and " + max
                    + ", got " + value));
        }
    }
}

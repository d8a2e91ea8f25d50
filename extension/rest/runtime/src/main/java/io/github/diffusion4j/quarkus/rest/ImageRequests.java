package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.HiresFix;
import io.github.diffusion4j.pipeline.InitImage;
import io.github.diffusion4j.pipeline.RequestValidator;
import io.github.diffusion4j.pipeline.Violation;
import io.github.diffusion4j.quarkus.runtime.queue.ModelCatalog;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import io.github.diffusion4j.scheduler.Schedulers;

import java.awt.image.BufferedImage;
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
        return resolve(models, r, ImageUploads.DEFAULT);
    }

    /** Checks {@code r}, decoding its init image and mask within {@code uploads}' limits. */
    static Resolved resolve(ModelCatalog models, ImageRequest r, ImageUploads uploads) {
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
        if (r.trueCfgScale != null && (!Double.isFinite(r.trueCfgScale) || r.trueCfgScale < 1
                || r.trueCfgScale > MAX_GUIDANCE)) {
            errors.add(new FieldError("trueCfgScale", "must be a finite number between 1 and " + (int) MAX_GUIDANCE
                    + ", got " + r.trueCfgScale));
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
        InitImage init = initImage(errors, r, limits, uploads);
        HiresFix hires = r.hires == null ? null : r.hires.toHiresFix(errors);
        if (r.hires != null && (r.image != null || r.imageBytes != null)) {
            errors.add(new FieldError("hires", "applies to text-to-image only: give either hires or an image"));
        }
        if (errors.isEmpty()) {
            budgets(errors, r, limits, init, hires);
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
                .trueCfgScale(r.trueCfgScale)
                .scheduler(scheduler)
                .seed(r.seed)
                .noiseSource(noise)
                .batchSize(r.batch != null ? r.batch : 1)
                .previewInterval(r.previewInterval)
                .initImage(init)
                .hires(hires)
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

    /**
     * The init image of {@code r} ({@code null} for text-to-image), every problem added to {@code errors}: strength or
     * mask without an image, a model that takes no image or needs a mask, strength out of (0, 1], undecodable or too
     * large uploads, a mask whose size differs from the image's.
     */
    private static InitImage initImage(List<FieldError> errors, ImageRequest r, ModelDescriptor model,
                                       ImageUploads uploads) {
        boolean hasImage = r.image != null || r.imageBytes != null;
        boolean hasMask = r.mask != null || r.maskBytes != null;
        if (!hasImage) {
            if (hasMask) {
                errors.add(new FieldError("mask", "needs an image: the mask marks what to repaint in it"));
            }
            if (r.strength != null) {
                errors.add(new FieldError("strength", "applies only with an image (image-to-image or inpainting)"));
            }
            if (model.inpaintingOnly()) {
                errors.add(new FieldError("image", "is required: '" + model.name() + "' is an inpainting model (give "
                        + "image and mask)"));
            }
            return null;
        }
        if (!model.imageInput()) {
            errors.add(new FieldError("image", "this model cannot start from an image (its folder has no "
                    + "vae_encoder); models that can: see imageInput in GET /v1/models"));
        }
        if (model.inpaintingOnly() && !hasMask) {
            errors.add(new FieldError("mask", "is required: '" + model.name() + "' is an inpainting model"));
        }
        double strength = r.strength != null ? r.strength : hasMask ? 1.0 : 0.8;
        if (!Double.isFinite(strength) || strength <= 0 || strength > 1) {
            errors.add(new FieldError("strength", "must be greater than 0 and at most 1, got " + r.strength));
        }
        BufferedImage image = decode(errors, "image", r.image, r.imageBytes, uploads);
        BufferedImage mask = hasMask ? decode(errors, "mask", r.mask, r.maskBytes, uploads) : null;
        if (image != null && mask != null
                && (image.getWidth() != mask.getWidth() || image.getHeight() != mask.getHeight())) {
            errors.add(new FieldError("mask", "must have the size of the image (" + image.getWidth() + "x"
                    + image.getHeight() + "), got " + mask.getWidth() + "x" + mask.getHeight()));
        }
        if (image == null || !errors.isEmpty()) {
            return null;
        }
        return mask == null ? InitImage.of(image, strength) : InitImage.inpaint(image, mask, strength);
    }

    private static BufferedImage decode(List<FieldError> errors, String field, String text, byte[] bytes,
                                        ImageUploads uploads) {
        try {
            return uploads.decode(field, bytes != null ? bytes : uploads.decodeText(field, text));
        } catch (InvalidRequestException e) {
            errors.addAll(e.errors());
            return null;
        }
    }

    /**
     * The model's memory and work budgets, checked with the SDK's own {@link RequestValidator#budgets} (same formula,
     * same numbers) once every field is within its bounds; the defaults are those the SDK applies.
     */
    private static void budgets(List<FieldError> errors, ImageRequest r, ModelDescriptor model, InitImage init,
                                HiresFix hires) {
        int m = model.sizeMultiple();
        int width = r.width != null ? r.width
                : init != null ? Math.max(m, init.image().getWidth() / m * m) : model.defaultWidth();
        int height = r.height != null ? r.height
                : init != null ? Math.max(m, init.image().getHeight() / m * m) : model.defaultHeight();
        int steps = r.steps != null ? r.steps : model.defaultSteps();
        RequestValidator.Pass second = hires == null ? null : RequestValidator.Pass.hires(hires, width, height, steps, m);
        if (second != null && (second.width() < m || second.width() > model.maxWidth() || second.height() < m
                || second.height() > model.maxHeight() || second.steps() > model.maxSteps())) {
            return; // a hires field out of its own bounds: the SDK's validation names it, budgets come after
        }
        for (Violation v : RequestValidator.budgets(width, height, steps, init != null ? init.strength() : null,
                r.batch != null ? r.batch : 1, second, RequestValidator.Budgets.of(model.limits(), model.defaultWidth(),
                        model.defaultHeight(), model.defaultSteps()))) {
            errors.add(Problems.fieldError(v));
        }
    }

    private static void checkSize(List<FieldError> errors, String field, Integer value, int scale, int max) {
        if (value != null && (value < scale || value > max || value % scale != 0)) {
            errors.add(new FieldError(field, "must be a multiple of " + scale + " between " + scale + " and " + max
                    + ", got " + value));
        }
    }
}

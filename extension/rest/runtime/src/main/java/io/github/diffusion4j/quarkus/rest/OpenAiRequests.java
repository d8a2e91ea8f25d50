package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.quarkus.runtime.queue.ModelCatalog;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an {@link OpenAiImageRequest} and turns it into the native {@link ImageRequest}, collecting every invalid
 * field under its OpenAI name ({@code n}, {@code size}, ...), each once.
 */
final class OpenAiRequests {

    /** OpenAI's bound on {@code partial_images}. */
    static final int MAX_PARTIAL_IMAGES = 3;
    private static final Pattern SIZE = Pattern.compile("^\\s*(\\d{1,6})\\s*[xX×]\\s*(\\d{1,6})\\s*$");

    /**
     * A checked request.
     *
     * @param request  the native request
     * @param prompt   the prompt, echoed as {@code revised_prompt}
     * @param format   {@code png} or {@code jpeg}
     * @param quality  JPEG quality in [0, 1]
     * @param stream   whether the client asked for server-sent events
     * @param partials partial images to stream, 0 to 3
     */
    record Parsed(ImageRequest request, String prompt, String format, float quality, boolean stream, int partials) {
    }

    private OpenAiRequests() {
    }

    static Parsed parse(ModelCatalog models, OpenAiImageRequest r) {
        if (r == null) {
            throw new InvalidRequestException("body", "is required: a JSON object with at least \"prompt\"");
        }
        List<FieldError> errors = new ArrayList<>();
        for (String unknown : r.unknownFields()) {
            errors.add(new FieldError(Problems.shorten(unknown), "unknown field; known fields: " + OpenAiImageRequest.FIELDS
                    + " (and ignored OpenAI fields " + OpenAiImageRequest.IGNORED + ")"));
        }
        if (r.responseFormat != null && !r.responseFormat.equals("b64_json")) {
            errors.add(new FieldError("response_format", "only b64_json is supported (this server does not host "
                    + "images, so it cannot return URLs), got '" + Problems.shorten(r.responseFormat) + "'"));
        }
        String format = format(r, errors);
        float quality = quality(r, format, errors);
        int partials = partials(r, errors);
        ImageRequest request = new ImageRequest();
        request.prompt = r.prompt;
        request.batch = r.n;
        // OpenAI clients send their own model names (dall-e-3): only configured names select a model.
        request.model = r.model != null && models.get(r.model).isPresent() ? r.model : null;
        size(models, r, request, errors);
        if (r.streaming()) {
            // every step carries a preview (latent resolution, small); the stream re-encodes only the few it sends
            request.previewInterval = 1;
        }
        try {
            ImageRequests.resolve(models, request);
        } catch (InvalidRequestException e) {
            for (FieldError error : e.errors()) {
                errors.add(openAi(error));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(merged(errors));
        }
        return new Parsed(request, r.prompt, format, quality, r.streaming(), partials);
    }

    private static String format(OpenAiImageRequest r, List<FieldError> errors) {
        if (r.outputFormat == null) {
            return "png";
        }
        String f = r.outputFormat.trim().toLowerCase(Locale.ROOT);
        return switch (f) {
            case "png" -> "png";
            case "jpeg", "jpg" -> "jpeg";
            case "webp" -> {
                errors.add(new FieldError("output_format", "webp is not supported (no maintained pure-Java WebP "
                        + "encoder); use png or jpeg"));
                yield "png";
            }
            default -> {
                errors.add(new FieldError("output_format", "must be one of [png, jpeg], got '"
                        + Problems.shorten(r.outputFormat) + "'"));
                yield "png";
            }
        };
    }

    private static float quality(OpenAiImageRequest r, String format, List<FieldError> errors) {
        if (r.outputCompression == null) {
            return 1f;
        }
        if (r.outputCompression < 0 || r.outputCompression > 100) {
            errors.add(new FieldError("output_compression", "must be between 0 and 100, got " + r.outputCompression));
        } else if (!format.equals("jpeg")) {
            errors.add(new FieldError("output_compression", "applies to output_format jpeg only (png is lossless)"));
        }
        return Math.max(0, Math.min(100, r.outputCompression)) / 100f;
    }

    private static int partials(OpenAiImageRequest r, List<FieldError> errors) {
        if (r.partialImages == null) {
            return 0;
        }
        if (r.partialImages < 0 || r.partialImages > MAX_PARTIAL_IMAGES) {
            errors.add(new FieldError("partial_images", "must be between 0 and " + MAX_PARTIAL_IMAGES + ", got "
                    + r.partialImages));
            return 0;
        }
        if (r.partialImages > 0 && !r.streaming()) {
            errors.add(new FieldError("partial_images", "needs \"stream\": true (partial images are streamed)"));
        }
        return r.partialImages;
    }

    private static void size(ModelCatalog models, OpenAiImageRequest r, ImageRequest request, List<FieldError> errors) {
        if (r.size == null) {
            return;
        }
        if (r.size.trim().equalsIgnoreCase("auto")) {
            String name = request.model != null ? request.model : models.defaultName();
            models.get(name).ifPresent(p -> {
                int[] size = nativeSize(p);
                request.width = size[0];
                request.height = size[1];
            });
            return;
        }
        Matcher m = SIZE.matcher(r.size);
        if (m.matches()) {
            request.width = Integer.parseInt(m.group(1));
            request.height = Integer.parseInt(m.group(2));
        } else {
            errors.add(new FieldError("size", "must be WIDTHxHEIGHT, e.g. 512x512, or auto, got '"
                    + Problems.shorten(r.size) + "'"));
        }
    }

    /**
     * The size the model was trained at: the descriptor's default size, which the SDK takes from the denoiser's sample
     * size × the VAE scale factor ({@code DiffusionPipeline.info().defaultWidth()/defaultHeight()}). The catalog
     * has it on an API-only node too, where no pipeline is loaded.
     */
    static int[] nativeSize(ModelDescriptor model) {
        return new int[] {model.defaultWidth(), model.defaultHeight()};
    }

    /** A native field error under its OpenAI name: width and height are both {@code size}, batch is {@code n}. */
    private static FieldError openAi(FieldError error) {
        return switch (error.field()) {
            case "width", "height" -> new FieldError("size", error.field() + " " + error.message());
            default -> new FieldError(openAiField(error.field()), error.message());
        };
    }

    /**
     * The OpenAI name of a native field: {@code batch} is {@code n}, width and height are {@code size}, and the
     * budgets over {@code width*height*...} are {@code size} too (with n, the only knobs an OpenAI client has).
     */
    static String openAiField(String field) {
        return switch (field) {
            case "batch" -> "n";
            case "width", "height" -> "size";
            default -> field.startsWith("width*height*") ? "size" : field;
        };
    }

    /** One entry per field: two problems of {@code size} (width and height) become one message. */
    private static List<FieldError> merged(List<FieldError> errors) {
        List<FieldError> merged = new ArrayList<>();
        for (FieldError e : errors) {
            int at = -1;
            for (int i = 0; i < merged.size(); i++) {
                if (merged.get(i).field().equals(e.field())) {
                    at = i;
                }
            }
            if (at < 0) {
                merged.add(e);
            } else {
                merged.set(at, new FieldError(e.field(), merged.get(at).message() + "; " + e.message()));
            }
        }
        return merged;
    }
}

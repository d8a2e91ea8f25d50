package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Body of {@code POST /v1/images}, {@code /v1/images/stream} and {@code /v1/jobs}. Unset fields take the model's
 * defaults. Unknown fields are rejected (each named in the problem), so that a typo never silently falls back to a
 * default.
 */
@Schema(name = "ImageRequest", description = "What to generate. Unset fields take the model's configured defaults.")
public class ImageRequest {

    /** Field names accepted; anything else is an error. */
    static final List<String> FIELDS = List.of("prompt", "negativePrompt", "width", "height", "steps", "guidanceScale",
            "scheduler", "seed", "noise", "model", "batch", "previewInterval", "image", "mask", "strength",
            "hires", "trueCfgScale");

    @Schema(required = true, description = "The text to draw (may be empty); at most the model's max-prompt-length characters",
            example = "a watercolor fox in a snowy forest")
    public String prompt;

    @Schema(description = "Text to steer away from", example = "blurry, low quality")
    public String negativePrompt;

    @Schema(description = "Image width in pixels: a multiple of 8 up to the model's max-width", example = "512")
    public Integer width;

    @Schema(description = "Image height in pixels: a multiple of 8 up to the model's max-height", example = "512")
    public Integer height;

    @Schema(description = "Denoising steps, 1 to the model's max-steps", example = "20")
    public Integer steps;

    @Schema(description = "Classifier-free guidance scale, 0 to 100; 1 or less disables guidance", example = "7.5")
    public Double guidanceScale;

    @Schema(description = "FLUX.1 only: true classifier-free guidance scale (diffusers' true_cfg_scale), at least 1;"
            + " above 1 with a negativePrompt the negative prompt is run too. Absent or 1 = off", example = "4.0")
    public Double trueCfgScale;

    @Schema(description = "Scheduler name (see GET /v1/schedulers); default: the model's", example = "euler")
    public String scheduler;

    @Schema(description = "Noise seed, 0 to 2^63-1 (0 to 4294967295 with noise=numpy); random when absent", example = "42")
    public Long seed;

    @Schema(description = "Reference generator the seeded noise reproduces", enumeration = {"torch", "numpy"},
            example = "torch")
    public String noise;

    @Schema(description = "Configured model name (see GET /v1/models); default model when absent", example = "default")
    public String model;

    @Schema(description = "Images to generate, 1 to the model's max-batch", example = "1")
    public Integer batch;

    @Schema(description = "A preview in the step events every N steps; 0 = none; default: the model's preview interval",
            example = "5")
    public Integer previewInterval;

    @Schema(description = "Init image for image-to-image or inpainting: a PNG or JPEG as base64 or a data: URI "
            + "(in multipart/form-data: a file part). Resized to width x height when those are given, else the "
            + "output takes its size (which must then fit the model's size multiple and limits)",
            example = "data:image/png;base64,iVBORw0KGgo...")
    public String image;

    @Schema(description = "Inpainting mask, same size as image: white = repaint, black = keep (binarised at 50 %); "
            + "PNG or JPEG as base64 or a data: URI (in multipart/form-data: a file part). Needs image",
            example = "data:image/png;base64,iVBORw0KGgo...")
    public String mask;

    @Schema(description = "With image: how much of the schedule runs, in (0, 1]; 1 repaints from noise, 0.3 keeps most"
            + " of the image. Default 0.8 (image-to-image) or 1.0 (inpainting), as diffusers", example = "0.75")
    public Double strength;

    @Schema(description = "Hires fix (text-to-image only): generate at width x height, upscale, refine at the target"
            + " size. In multipart/form-data: fields hires.scale, hires.strength, hires.steps, hires.upscaler, ...")
    public HiresRequest hires;

    /** The image's bytes when they came as a multipart file part rather than text. */
    @JsonIgnore
    byte[] imageBytes;

    /** The mask's bytes when they came as a multipart file part rather than text. */
    @JsonIgnore
    byte[] maskBytes;

    @JsonIgnore
    private final List<String> unknownFields = new ArrayList<>();

    /** Collects unknown fields so that validation reports all of them, not just the first. */
    @JsonAnySetter
    void unknown(String name, Object ignored) {
        if (unknownFields.size() < 20) {
            unknownFields.add(name);
        }
    }

    @JsonIgnore
    List<String> unknownFields() {
        return unknownFields;
    }

    /**
     * The request a {@code multipart/form-data} body describes: the same field names as JSON, numbers as text, image
     * and mask as file parts (or base64 / data URI text). Malformed numbers are reported together.
     */
    static ImageRequest of(FormFields form) {
        List<FieldError> errors = new ArrayList<>();
        ImageRequest r = new ImageRequest();
        for (String name : form.names()) {
            if (!FIELDS.contains(name) && !name.startsWith("hires.")) {
                r.unknown(name, null);
            }
        }
        r.prompt = form.text("prompt");
        r.negativePrompt = form.text("negativePrompt");
        r.width = form.integer("width", errors);
        r.height = form.integer("height", errors);
        r.steps = form.integer("steps", errors);
        r.guidanceScale = form.number("guidanceScale", errors);
        r.trueCfgScale = form.number("trueCfgScale", errors);
        r.scheduler = form.text("scheduler");
        r.seed = form.longValue("seed", errors);
        r.noise = form.text("noise");
        r.model = form.text("model");
        r.batch = form.integer("batch", errors);
        r.previewInterval = form.integer("previewInterval", errors);
        r.strength = form.number("strength", errors);
        r.image = form.text("image");
        r.imageBytes = form.file("image");
        r.mask = form.text("mask");
        r.maskBytes = form.file("mask");
        r.hires = HiresRequest.of(form, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return r;
    }
}

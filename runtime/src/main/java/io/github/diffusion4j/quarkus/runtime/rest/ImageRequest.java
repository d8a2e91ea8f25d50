package io.github.diffusion4j.quarkus.runtime.rest;

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
            "scheduler", "seed", "noise", "model", "batch", "previewInterval");

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
}

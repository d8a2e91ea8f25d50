package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Body of the OpenAI-compatible {@code POST /v1/images/generations}. OpenAI fields that do not apply here
 * ({@code quality}, {@code style}, {@code user}, ...) are accepted and ignored, so existing clients work unchanged;
 * any other field is an error.
 */
@Schema(name = "OpenAiImageRequest", description = "OpenAI images API request (subset).")
public class OpenAiImageRequest {

    /** OpenAI fields accepted and ignored. */
    static final Set<String> IGNORED = Set.of("quality", "style", "user", "background", "moderation",
            "safety_identifier");
    /** Fields this endpoint reads. */
    static final List<String> FIELDS = List.of("prompt", "n", "size", "response_format", "model", "output_format",
            "output_compression", "stream", "partial_images");

    @Schema(required = true, example = "a watercolor fox in a snowy forest")
    public String prompt;

    @Schema(description = "Images to generate, 1 to the model's max-batch", example = "1")
    public Integer n;

    @Schema(description = "WIDTHxHEIGHT within the model's limits, or `auto` for the model's native size; default: "
            + "the model's configured size", example = "512x512")
    public String size;

    @JsonProperty("response_format")
    @Schema(description = "Only b64_json is supported (no image hosting)", enumeration = {"b64_json"}, example = "b64_json")
    public String responseFormat;

    @Schema(description = "A configured model name; other names (e.g. dall-e-3) use the default model", example = "default")
    public String model;

    @JsonProperty("output_format")
    @Schema(description = "Image format: png (default, with the parameters text chunk) or jpeg; webp is refused "
            + "(no maintained pure-Java WebP encoder)", enumeration = {"png", "jpeg"}, example = "png")
    public String outputFormat;

    @JsonProperty("output_compression")
    @Schema(description = "JPEG quality in percent as OpenAI defines it: 100 (default) is the best quality, lower "
            + "values give smaller files; jpeg only", example = "80")
    public Integer outputCompression;

    @Schema(description = "Stream the generation as server-sent events: `image_generation.partial_image` events, "
            + "then `image_generation.completed`", example = "false")
    public Boolean stream;

    @JsonProperty("partial_images")
    @Schema(description = "Partial images sent before the final one when streaming, 0 to 3 (evenly spaced denoising "
            + "steps)", example = "2")
    public Integer partialImages;

    @JsonIgnore
    private final List<String> unknownFields = new ArrayList<>();

    @JsonAnySetter
    void unknown(String name, Object ignored) {
        if (!IGNORED.contains(name) && unknownFields.size() < 20) {
            unknownFields.add(name);
        }
    }

    @JsonIgnore
    List<String> unknownFields() {
        return unknownFields;
    }

    @JsonIgnore
    boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}

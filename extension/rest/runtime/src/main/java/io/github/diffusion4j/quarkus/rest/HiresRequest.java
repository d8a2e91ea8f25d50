package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.diffusion4j.pipeline.HiresFix;
import io.github.diffusion4j.pipeline.Violation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code hires} object of an image request (in {@code multipart/form-data}: the fields {@code hires.scale},
 * {@code hires.strength}, ...): hires fix, A1111's two-pass text-to-image (the SDK's {@link HiresFix}).
 */
@Schema(name = "HiresRequest", description = "Hires fix: generate at width x height, upscale, then refine with"
        + " image-to-image at the target size (AUTOMATIC1111's hires fix). Text-to-image only")
public class HiresRequest {

    static final List<String> FIELDS = List.of("scale", "width", "height", "strength", "steps", "upscaler", "scheduler");

    @Schema(description = "Upscale factor, 1 to 4, when no target width/height is given; default 2", example = "2")
    public Double scale;

    @Schema(description = "Target width in pixels (rounded down to the model's size multiple); with height only, from"
            + " the aspect ratio", example = "1024")
    public Integer width;

    @Schema(description = "Target height in pixels (rounded down to the model's size multiple)", example = "1024")
    public Integer height;

    @Schema(description = "Second pass denoising strength, in (0, 1]; default 0.7", example = "0.5")
    public Double strength;

    @Schema(description = "Second pass steps before the strength cut, 0 to the model's max-steps; 0 (default) = steps",
            example = "10")
    public Integer steps;

    @Schema(description = "How the first pass is enlarged", enumeration = {"latent-bilinear", "latent-nearest",
            "latent-bicubic", "lanczos", "bicubic"}, example = "latent-nearest")
    public String upscaler;

    @Schema(description = "Second pass scheduler (see GET /v1/schedulers); default: the request's", example = "euler")
    public String scheduler;

    @JsonIgnore
    private final List<String> unknownFields = new ArrayList<>();

    @JsonAnySetter
    void unknown(String name, Object ignored) {
        if (unknownFields.size() < 20) {
            unknownFields.add(name);
        }
    }

    /** The hires fields of a multipart body ({@code hires.scale}, ...); {@code null} when it has none. */
    static HiresRequest of(FormFields form, List<FieldError> errors) {
        boolean any = form.names().stream().anyMatch(n -> n.startsWith("hires."));
        if (!any) {
            return null;
        }
        HiresRequest h = new HiresRequest();
        for (String name : form.names()) {
            if (name.startsWith("hires.") && !FIELDS.contains(name.substring(6))) {
                h.unknown(name.substring(6), null);
            }
        }
        h.scale = form.number("hires.scale", errors);
        h.width = form.integer("hires.width", errors);
        h.height = form.integer("hires.height", errors);
        h.strength = form.number("hires.strength", errors);
        h.steps = form.integer("hires.steps", errors);
        h.upscaler = form.text("hires.upscaler");
        h.scheduler = form.text("hires.scheduler");
        return h;
    }

    /** The SDK's hires fix, or {@code null} with every invalid field added to {@code errors} as {@code hires.*}. */
    HiresFix toHiresFix(List<FieldError> errors) {
        int before = errors.size();
        for (String name : unknownFields) {
            errors.add(new FieldError("hires." + Problems.shorten(name), "unknown field; known fields: " + FIELDS));
        }
        HiresFix.Upscaler up = HiresFix.Upscaler.LATENT;
        if (upscaler != null) {
            up = HiresFix.Upscaler.parse(upscaler).orElse(null);
            if (up == null) {
                errors.add(new FieldError("hires.upscaler", "must be one of [" + HiresFix.Upscaler.names() + "], got '"
                        + Problems.shorten(upscaler) + "'"));
            }
        }
        HiresFix fix = null;
        try {
            fix = new HiresFix(scale != null ? scale : 2.0, width, height, up, strength != null ? strength
                    : HiresFix.DEFAULT_STRENGTH, steps != null ? steps : 0, scheduler);
        } catch (io.github.diffusion4j.pipeline.InvalidRequestException e) {
            for (Violation v : e.violations()) {
                String message = v.message().startsWith(v.field() + " ")
                        ? v.message().substring(v.field().length() + 1) : v.message();
                errors.add(new FieldError(v.field(), message));
            }
        }
        return errors.size() == before ? fix : null;
    }
}

package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.A1111Samplers;
import io.github.diffusion4j.image.Infotext;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters that produced an image; written into the PNG as an AUTOMATIC1111-style {@code parameters} text
 * chunk (see {@link Infotext}) so that A1111, its image browsers and civitai-style sites read them back, and read
 * back by {@link #fromA1111Parameters}.
 *
 * <p>Adding a field: add the record component at the end, keep the older constructors delegating with a default,
 * put its infotext key in {@link #fields()} (A1111's own key where it has one, see {@code create_infotext} in its
 * {@code modules/processing.py}; {@code null} leaves it out) and read it in {@link #fromA1111Parameters}.
 *
 * @param scheduler  our scheduler name ({@code euler_a}); written as A1111's sampler label ({@code Euler a})
 * @param modelHash  A1111's {@code Model hash} ({@link io.github.diffusion4j.image.ModelHash}), or null when not
 *                   computed
 * @param denoisingStrength A1111's {@code Denoising strength}: the image-to-image or inpainting strength, or the
 *                   hires fix's second-pass strength; null for plain text-to-image
 * @param hires      the hires fix's settings ({@code Hires upscale} / {@code Hires resize}, {@code Hires steps},
 *                   {@code Hires upscaler}, {@code Hires sampler}); null without one. {@code width} and
 *                   {@code height} are then the first pass's size, as A1111 writes {@code Size}
 * @param maskBlur   A1111's {@code Mask blur}: the inpainting mask's blur radius ({@link InitImage#maskBlur()}), or
 *                   null without one (A1111 writes it only when above 0, {@code StableDiffusionProcessingImg2Img.init})
 */
public record ImageMetadata(String prompt, String negativePrompt, int steps, String scheduler, double guidanceScale,
                            long seed, int width, int height, String model, int batchIndex, String noiseSource,
                            String modelHash, Double denoisingStrength, Hires hires, Integer maskBlur) {

    /**
     * A1111's hires-fix infotext fields ({@code StableDiffusionProcessingTxt2Img.init} and
     * {@code calculate_target_resolution} in its {@code modules/processing.py}).
     *
     * @param upscale      {@code Hires upscale}, the factor; null when a target size was given
     * @param resizeWidth  {@code Hires resize} width, or null (0 in A1111's text: from the aspect ratio)
     * @param resizeHeight {@code Hires resize} height, or null
     * @param steps        {@code Hires steps}; 0 = the first pass's (A1111 then leaves the field out)
     * @param upscaler     {@code Hires upscaler}, A1111's name ({@code Latent}, {@code Latent (nearest)}, {@code Lanczos})
     * @param scheduler    the second pass's scheduler, our name, written as {@code Hires sampler} when it differs
     *                     from the first pass's; null = the same
     */
    public record Hires(Double upscale, Integer resizeWidth, Integer resizeHeight, int steps, String upscaler,
                        String scheduler) {

        /** The fields of a request's hires fix. */
        public static Hires of(HiresFix fix) {
            return new Hires(fix.resizes() ? null : fix.scale(), fix.width(), fix.height(), fix.steps(),
                    fix.upscaler().a1111Name(), fix.scheduler());
        }

        /** Back to a request part, or empty when the upscaler is not one of ours. */
        public java.util.Optional<HiresFix> toHiresFix(double strength) {
            return HiresFix.Upscaler.parse(upscaler).map(u -> new HiresFix(upscale != null ? upscale : 1, resizeWidth,
                    resizeHeight, u, strength, steps, scheduler));
        }
    }

    /** Metadata without a mask blur. */
    public ImageMetadata(String prompt, String negativePrompt, int steps, String scheduler, double guidanceScale,
                         long seed, int width, int height, String model, int batchIndex, String noiseSource,
                         String modelHash, Double denoisingStrength, Hires hires) {
        this(prompt, negativePrompt, steps, scheduler, guidanceScale, seed, width, height, model, batchIndex, noiseSource,
                modelHash, denoisingStrength, hires, null);
    }

    /** Metadata without a model hash, strength or hires fix. */
    public ImageMetadata(String prompt, String negativePrompt, int steps, String scheduler, double guidanceScale,
                         long seed, int width, int height, String model, int batchIndex, String noiseSource,
                         String modelHash) {
        this(prompt, negativePrompt, steps, scheduler, guidanceScale, seed, width, height, model, batchIndex, noiseSource,
                modelHash, null, null);
    }

    /** Metadata without a model hash. */
    public ImageMetadata(String prompt, String negativePrompt, int steps, String scheduler, double guidanceScale,
                         long seed, int width, int height, String model, int batchIndex, String noiseSource) {
        this(prompt, negativePrompt, steps, scheduler, guidanceScale, seed, width, height, model, batchIndex, noiseSource,
                null);
    }

    /** This metadata with {@code Model hash} set. */
    public ImageMetadata withModelHash(String hash) {
        return new ImageMetadata(prompt, negativePrompt, steps, scheduler, guidanceScale, seed, width, height, model,
                batchIndex, noiseSource, hash, denoisingStrength, hires, maskBlur);
    }

    /** This metadata with {@code Denoising strength} (and the hires fix's fields, or null) set. */
    public ImageMetadata withEditing(Double denoisingStrength, Hires hires) {
        return new ImageMetadata(prompt, negativePrompt, steps, scheduler, guidanceScale, seed, width, height, model,
                batchIndex, noiseSource, modelHash, denoisingStrength, hires, maskBlur);
    }

    /** This metadata with {@code Mask blur} set; 0 or null leaves the field out, as A1111 does. */
    public ImageMetadata withMaskBlur(Integer radius) {
        return new ImageMetadata(prompt, negativePrompt, steps, scheduler, guidanceScale, seed, width, height, model,
                batchIndex, noiseSource, modelHash, denoisingStrength, hires,
                radius == null || radius <= 0 ? null : radius);
    }

    /** The AUTOMATIC1111 {@code parameters} text. */
    public String toA1111Parameters() {
        return Infotext.format(prompt, negativePrompt, fields());
    }

    /** The infotext fields in A1111's order; null values are left out. */
    private Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Steps", steps);
        fields.put("Sampler", A1111Samplers.toA1111(scheduler));
        fields.put("CFG scale", formatNumber(guidanceScale));
        fields.put("Seed", seed);
        fields.put("Size", width + "x" + height);
        fields.put("Model hash", modelHash);
        fields.put("Model", model);
        fields.put("Denoising strength", denoisingStrength == null ? null : formatNumber(denoisingStrength));
        fields.put("RNG", noiseSource);
        fields.put("Batch pos", batchIndex > 0 ? batchIndex : null);
        // extra_generation_params, after the fixed fields (img2img's init() adds it before any script's)
        fields.put("Mask blur", maskBlur);
        if (hires != null) {
            // A1111's extra_generation_params, after the fixed fields, in the order its init() adds them
            fields.put("Hires sampler", hires.scheduler() == null || hires.scheduler().equals(scheduler) ? null
                    : A1111Samplers.toA1111(hires.scheduler()));
            fields.put("Hires upscale", hires.upscale() == null ? null : formatNumber(hires.upscale()));
            fields.put("Hires resize", hires.upscale() != null ? null
                    : size(hires.resizeWidth()) + "x" + size(hires.resizeHeight()));
            fields.put("Hires steps", hires.steps() > 0 ? hires.steps() : null);
            fields.put("Hires upscaler", hires.upscaler());
        }
        return fields;
    }

    private static int size(Integer side) {
        return side == null ? 0 : side;
    }

    /**
     * Reads an A1111 {@code parameters} text (ours or A1111's) back into metadata. Fields it does not carry take
     * the values of an A1111 default: 20 steps, CFG 7, seed -1 (random), 512×512, {@code Euler a}... except the
     * sampler, which stays null (the model's default) when missing or not one we have.
     *
     * @throws IllegalArgumentException naming the field when a number does not parse
     */
    public static ImageMetadata fromA1111Parameters(String parameters) {
        Infotext.Parsed p = Infotext.parse(parameters);
        String scheduler = A1111Samplers.fromA1111(p.get("Sampler"), p.get("Schedule type")).orElse(null);
        String rng = p.get("RNG");
        String noise = rng == null || rng.equalsIgnoreCase("CPU") ? "torch" : rng.toLowerCase(Locale.ROOT);
        return new ImageMetadata(p.prompt(), p.negativePrompt(),
                (int) number(p, "Steps", 20), scheduler, number(p, "CFG scale", 7.0),
                seed(p), (int) number(p, "Size-1", 512), (int) number(p, "Size-2", 512),
                p.get("Model"), (int) number(p, "Batch pos", 0), noise, p.get("Model hash"),
                p.get("Denoising strength") == null ? null : number(p, "Denoising strength", 0), hires(p),
                p.get("Mask blur") == null ? null : positiveOrNull((int) number(p, "Mask blur", 0)));
    }

    /** The hires fields, when the text has {@code Hires upscale}, {@code Hires resize} or {@code Hires upscaler}. */
    private static Hires hires(Infotext.Parsed p) {
        if (p.get("Hires upscale") == null && p.get("Hires resize") == null && p.get("Hires upscaler") == null) {
            return null;
        }
        boolean resize = p.get("Hires resize") != null;
        Double upscale = resize ? null : number(p, "Hires upscale", 2.0); // A1111's hr_scale default
        Integer w = resize ? positiveOrNull((int) number(p, "Hires resize-1", 0)) : null;
        Integer h = resize ? positiveOrNull((int) number(p, "Hires resize-2", 0)) : null;
        String sampler = p.get("Hires sampler");
        String hiresScheduler = sampler == null ? null : A1111Samplers.fromA1111(sampler, p.get("Hires schedule type"))
                .orElse(null);
        String upscaler = p.get("Hires upscaler") != null ? p.get("Hires upscaler") : "Latent"; // latent_upscale_default_mode
        return new Hires(upscale, w, h, (int) number(p, "Hires steps", 0), upscaler, hiresScheduler);
    }

    private static Integer positiveOrNull(int v) {
        return v > 0 ? v : null;
    }

    private static long seed(Infotext.Parsed p) {
        String value = p.get("Seed");
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim()); // not through double: seeds go past 2^53
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Infotext field 'Seed' is not an integer: '" + value + "'", e);
        }
    }

    private static double number(Infotext.Parsed p, String key, double fallback) {
        String value = p.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Infotext field '" + key + "' is not a number: '" + value + "'", e);
        }
    }

    private static String formatNumber(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

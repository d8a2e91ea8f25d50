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
 */
public record ImageMetadata(String prompt, String negativePrompt, int steps, String scheduler, double guidanceScale,
                            long seed, int width, int height, String model, int batchIndex, String noiseSource,
                            String modelHash) {

    /** Metadata without a model hash. */
    public ImageMetadata(String prompt, String negativePrompt, int steps, String scheduler, double guidanceScale,
                         long seed, int width, int height, String model, int batchIndex, String noiseSource) {
        this(prompt, negativePrompt, steps, scheduler, guidanceScale, seed, width, height, model, batchIndex, noiseSource,
                null);
    }

    /** This metadata with {@code Model hash} set. */
    public ImageMetadata withModelHash(String hash) {
        return new ImageMetadata(prompt, negativePrompt, steps, scheduler, guidanceScale, seed, width, height, model,
                batchIndex, noiseSource, hash);
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
        fields.put("RNG", noiseSource);
        fields.put("Batch pos", batchIndex > 0 ? batchIndex : null);
        return fields;
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
                p.get("Model"), (int) number(p, "Batch pos", 0), noise, p.get("Model hash"));
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

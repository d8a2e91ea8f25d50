package io.github.diffusion4j.pipeline;

/**
 * The parameters that produced an image; written into the PNG as an AUTOMATIC1111-style {@code parameters} text
 * chunk so that other tools can read them back.
 */
public record ImageMetadata(String prompt, String negativePrompt, int steps, String scheduler, double guidanceScale,
                            long seed, int width, int height, String model, int batchIndex, String noiseSource) {

    /** The AUTOMATIC1111 {@code parameters} text. */
    public String toA1111Parameters() {
        StringBuilder sb = new StringBuilder(prompt);
        if (!negativePrompt.isEmpty()) {
            sb.append("\nNegative prompt: ").append(negativePrompt);
        }
        sb.append("\nSteps: ").append(steps)
                .append(", Sampler: ").append(scheduler)
                .append(", CFG scale: ").append(formatNumber(guidanceScale))
                .append(", Seed: ").append(seed)
                .append(", Size: ").append(width).append('x').append(height)
                .append(", Model: ").append(model)
                .append(", RNG: ").append(noiseSource);
        if (batchIndex > 0) {
            sb.append(", Batch pos: ").append(batchIndex);
        }
        return sb.toString();
    }

    private static String formatNumber(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

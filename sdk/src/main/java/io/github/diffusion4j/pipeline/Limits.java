package io.github.diffusion4j.pipeline;

/**
 * Upper bounds a pipeline enforces on requests, so that one request cannot exhaust memory or time.
 * <p>
 * Besides the per-field bounds, two budgets cover what the fields do together: {@code maxPixels} bounds the memory a
 * request takes (the denoiser's activations grow with width × height × batch; see {@link RequestValidator#pixels}),
 * {@code maxCost} the work it asks for (width × height × steps run × batch; see {@link RequestValidator#cost}). Both
 * are raised to the model's own default request where lower ({@link RequestValidator.Budgets#of}).
 *
 * @param maxWidth        largest width in pixels
 * @param maxHeight       largest height in pixels
 * @param maxSteps        most denoising steps
 * @param maxBatch        most images per request
 * @param maxPromptLength most characters in a prompt or negative prompt
 * @param maxPixels       most pixels per request: width × height × batch
 * @param maxCost         most pixel-steps per request: width × height × steps run × batch
 */
public record Limits(int maxWidth, int maxHeight, int maxSteps, int maxBatch, int maxPromptLength, long maxPixels,
                     long maxCost) {

    /**
     * Default of {@link #maxPixels}: one 768² image (or two 512² ones). Measured on the embedded scenes model (CPU,
     * classifier-free guidance), peak RSS of one request grows faster than its pixels (its attention runs at the full
     * latent resolution): 0.24 GB at 256², 1.3 GB at 512², about 6 GB at 768², so 1024² would take most of a 24 GiB
     * machine; see the memory table of extension/README.md. A model's own default size is always allowed
     * ({@link RequestValidator.Budgets}).
     */
    public static final long DEFAULT_MAX_PIXELS = 768L * 768;
    /** Default of {@link #maxCost}: 2^26 pixel-steps, e.g. 768² × 113 steps, 512² × 128, 512² × 50 × batch 2. */
    public static final long DEFAULT_MAX_COST = 1L << 26;

    /** 2048×2048, 1000 steps, batch 8, 4000 characters, the default budgets. */
    public static final Limits DEFAULT = new Limits(2048, 2048, 1000, 8, 4000);

    public Limits {
        positive("maxWidth", maxWidth);
        positive("maxHeight", maxHeight);
        positive("maxSteps", maxSteps);
        positive("maxBatch", maxBatch);
        positive("maxPromptLength", maxPromptLength);
        positive("maxPixels", maxPixels);
        positive("maxCost", maxCost);
    }

    /** Per-field bounds with the default budgets ({@link #DEFAULT_MAX_PIXELS}, {@link #DEFAULT_MAX_COST}). */
    public Limits(int maxWidth, int maxHeight, int maxSteps, int maxBatch, int maxPromptLength) {
        this(maxWidth, maxHeight, maxSteps, maxBatch, maxPromptLength, DEFAULT_MAX_PIXELS, DEFAULT_MAX_COST);
    }

    /** These bounds with other budgets. */
    public Limits withBudgets(long maxPixels, long maxCost) {
        return new Limits(maxWidth, maxHeight, maxSteps, maxBatch, maxPromptLength, maxPixels, maxCost);
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}

package io.github.diffusion4j.pipeline;

/**
 * Upper bounds a pipeline enforces on requests, so that one request cannot exhaust memory or time.
 *
 * @param maxWidth        largest width in pixels
 * @param maxHeight       largest height in pixels
 * @param maxSteps        most denoising steps
 * @param maxBatch        most images per request
 * @param maxPromptLength most characters in a prompt or negative prompt
 */
public record Limits(int maxWidth, int maxHeight, int maxSteps, int maxBatch, int maxPromptLength) {

    /** 2048×2048, 1000 steps, batch 8, 4000 characters. */
    public static final Limits DEFAULT = new Limits(2048, 2048, 1000, 8, 4000);

    public Limits {
        positive("maxWidth", maxWidth);
        positive("maxHeight", maxHeight);
        positive("maxSteps", maxSteps);
        positive("maxBatch", maxBatch);
        positive("maxPromptLength", maxPromptLength);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}

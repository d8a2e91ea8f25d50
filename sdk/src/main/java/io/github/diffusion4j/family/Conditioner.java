package io.github.diffusion4j.family;

import io.github.diffusion4j.model.RunContext;

/**
 * A family's tokenizers and text encoders: prompt text → {@link TextEmbeddings} (diffusers' {@code encode_prompt}).
 * Owns the encoder sessions it opened.
 */
public interface Conditioner extends AutoCloseable {

    /**
     * Encodes one prompt.
     *
     * @param prompt  the prompt for every encoder
     * @param prompt2 the prompt for the second encoder of dual-encoder families (SDXL's {@code prompt_2}); empty or
     *                {@code null} means {@code prompt}; ignored by single-encoder families
     */
    TextEmbeddings encode(String prompt, String prompt2, RunContext context);

    /** The width of {@link TextEmbeddings#sequence()} rows, or -1 when the graphs leave it dynamic. */
    long width();

    /** Graph inputs and outputs of every encoder, for {@code info} and diagnostics. */
    java.util.Map<String, String> contract();

    @Override
    void close();
}

package io.github.diffusion4j.family;

import io.github.diffusion4j.model.RunContext;

/**
 * A family's tokenizers and text encoders: prompt text → {@link TextEmbeddings} (diffusers' {@code encode_prompt}).
 * Owns the encoder sessions it opened.
 */
public interface Conditioner extends AutoCloseable {

    /** Encodes one prompt (single-encoder families read only {@link PromptText#prompt()}). */
    TextEmbeddings encode(PromptText prompt, RunContext context);

    /**
     * {@code embeddings} lengthened to {@code tokens} tokens so that a prompt and a negative prompt of different
     * lengths (long, chunked prompts) can share one denoiser batch; families with fixed lengths return it as is.
     */
    default TextEmbeddings padTo(TextEmbeddings embeddings, int tokens, RunContext context) {
        return embeddings;
    }

    /** The width of {@link TextEmbeddings#sequence()} rows, or -1 when the graphs leave it dynamic. */
    long width();

    /** Graph inputs and outputs of every encoder, for {@code info} and diagnostics. */
    java.util.Map<String, String> contract();

    @Override
    void close();
}

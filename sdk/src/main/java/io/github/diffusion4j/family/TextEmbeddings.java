package io.github.diffusion4j.family;

import java.util.List;

/**
 * A prompt as the denoiser sees it: per-token embeddings and, for families that have them, pooled embeddings.
 *
 * @param sequence     [tokens, width] flattened (SD: CLIP's last hidden state; SDXL: both CLIP encoders' penultimate
 *                     hidden states side by side)
 * @param tokens       sequence length
 * @param width        embedding width
 * @param pooled       pooled embeddings [pooledWidth] (SDXL: {@code text_embeds} of CLIP-G), or {@code null}
 * @param droppedWords words the tokenizer cut off to fit the encoder
 */
public record TextEmbeddings(float[] sequence, int tokens, int width, float[] pooled, List<String> droppedWords) {

    public TextEmbeddings {
        if (sequence.length != tokens * width) {
            throw new IllegalArgumentException("sequence has " + sequence.length + " values, expected " + tokens + "×" + width);
        }
        droppedWords = List.copyOf(droppedWords);
    }

    /** Zeros of the same shapes: diffusers' negative embeddings under {@code force_zeros_for_empty_prompt}. */
    public TextEmbeddings zeros() {
        return new TextEmbeddings(new float[sequence.length], tokens, width, pooled == null ? null : new float[pooled.length],
                List.of());
    }

    /** Length of {@link #pooled()}, 0 when there is none. */
    public int pooledWidth() {
        return pooled == null ? 0 : pooled.length;
    }
}

package io.github.diffusion4j.family;

/**
 * The texts of one prompt, per text encoder, as diffusers' pipelines take them.
 *
 * @param prompt            the prompt (every encoder's, unless a later one is given)
 * @param prompt2           the second encoder's ({@code prompt_2}: SDXL's CLIP-G, SD3's CLIP-G, FLUX's T5); empty =
 *                          {@code prompt}
 * @param prompt3           the third encoder's ({@code prompt_3}: SD3's T5); empty = {@code prompt}
 * @param maxSequenceLength T5's {@code max_sequence_length}
 * @param clipSkip          CLIP layers to skip from the end (diffusers' {@code clip_skip}, A1111's
 *                          {@code CLIP_stop_at_last_layers} − 1); 0 = the family's usual layer
 */
public record PromptText(String prompt, String prompt2, String prompt3, int maxSequenceLength, int clipSkip) {

    public PromptText {
        prompt = prompt == null ? "" : prompt;
        prompt2 = prompt2 == null || prompt2.isEmpty() ? prompt : prompt2;
        prompt3 = prompt3 == null || prompt3.isEmpty() ? prompt : prompt3;
    }

    /** A prompt given once for every encoder. */
    public static PromptText of(String prompt) {
        return new PromptText(prompt, "", "", 256, 0);
    }
}

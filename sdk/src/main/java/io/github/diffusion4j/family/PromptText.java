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
 * @param weighting         A1111 emphasis syntax ({@code (word:1.3)}, {@code [word]}, {@code BREAK}); off = literal
 * @param longPrompts       CLIP prompts past 75 tokens in A1111's chunks of 75 instead of truncated (diffusers)
 */
public record PromptText(String prompt, String prompt2, String prompt3, int maxSequenceLength, int clipSkip,
                         boolean weighting, boolean longPrompts) {

    /** A prompt as diffusers encodes it: no emphasis syntax, truncated to CLIP's length. */
    public PromptText(String prompt, String prompt2, String prompt3, int maxSequenceLength, int clipSkip) {
        this(prompt, prompt2, prompt3, maxSequenceLength, clipSkip, false, false);
    }

    public PromptText {
        prompt = prompt == null ? "" : prompt;
        prompt2 = prompt2 == null || prompt2.isEmpty() ? prompt : prompt2;
        prompt3 = prompt3 == null || prompt3.isEmpty() ? prompt : prompt3;
    }

    /** A prompt given once for every encoder. */
    public static PromptText of(String prompt) {
        return new PromptText(prompt, "", "", 256, 0, true, true);
    }
}

package io.github.diffusion4j.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * The result of {@link ClipTokenizer#encode(String)}.
 *
 * @param ids the token ids: the start token, the text's tokens, the end token, then padding, exactly
 *     {@link ClipTokenizer#maxLength()} long
 * @param tokenCount how many ids are real tokens, counting the start and end tokens (the rest is padding)
 * @param droppedWords the words of the prompt, as written, whose tokens were cut off wholly or in part because the
 *     prompt is longer than the text encoder accepts; empty when nothing was cut
 */
public record Tokenization(int[] ids, int tokenCount, List<String> droppedWords) {

    /** Copies its arguments, so a tokenization cannot be changed after the fact. */
    public Tokenization {
        ids = ids.clone();
        droppedWords = List.copyOf(droppedWords);
        if (tokenCount < 0 || tokenCount > ids.length) {
            throw new IllegalArgumentException("tokenCount must be in [0, " + ids.length + "], got " + tokenCount);
        }
    }

    /** The token ids; a copy, so callers may modify it. */
    @Override
    public int[] ids() {
        return ids.clone();
    }

    /** Whether the prompt was cut to fit the text encoder, i.e. {@link #droppedWords()} is not empty. */
    public boolean truncated() {
        return !droppedWords.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tokenization that && tokenCount == that.tokenCount && Arrays.equals(ids, that.ids)
                && droppedWords.equals(that.droppedWords);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + tokenCount) + droppedWords.hashCode();
    }

    @Override
    public String toString() {
        return "Tokenization[ids=" + Arrays.toString(ids) + ", tokenCount=" + tokenCount + ", droppedWords="
                + droppedWords + "]";
    }
}

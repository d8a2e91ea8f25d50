package io.github.diffusion4j.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The T5 tokenizer of SD3 ({@code tokenizer_3/}) and FLUX.1 ({@code tokenizer_2/}): a SentencePiece unigram model,
 * read from the folder's {@code tokenizer.json} by the Hugging Face tokenizers library itself (Rust, through DJL's
 * JNI binding; the natives ship inside its jar, nothing is downloaded). Encodes as diffusers' pipelines call
 * {@code T5TokenizerFast}: {@code padding="max_length", max_length=N, truncation=True, add_special_tokens=True} —
 * the pieces, {@code </s>}, then the pad id up to exactly N ids. Owns the native tokenizer: close it.
 */
public final class T5Tokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private T5Tokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /**
     * Loads {@code dir/tokenizer.json}.
     *
     * @param maxLength the sequence length every encoding is padded or truncated to (diffusers'
     *                  {@code max_sequence_length}: 256 for SD3, 512 for FLUX.1 dev)
     * @throws IllegalArgumentException when the folder has no tokenizer.json (a folder with only
     *                                  {@code spiece.model} is named as such), or the native library cannot load
     */
    public static T5Tokenizer load(Path dir, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max_sequence_length must be at least 2, got " + maxLength);
        }
        Path json = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            if (Files.isRegularFile(dir.resolve("spiece.model"))) {
                throw new IllegalArgumentException(dir + " has only spiece.model: this SDK reads T5 tokenizers from"
                        + " tokenizer.json. Convert it once with transformers: T5TokenizerFast.from_pretrained(dir)"
                        + ".save_pretrained(dir) (optimum exports write tokenizer.json)");
            }
            throw new IllegalArgumentException("tokenizer file not found: " + json);
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(json)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadToMaxLength()
                    .build();
            return new T5Tokenizer(tokenizer, maxLength);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + json + ": " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // the JNI library failed to load (unsupported platform, no writable cache folder) or the file is malformed
            throw new IllegalArgumentException("Cannot load the T5 tokenizer " + json + " with the Hugging Face tokenizers"
                    + " library: " + e.getMessage(), e);
        }
    }

    /** Encodes {@code text} to exactly {@link #maxLength()} ids. */
    public Tokenization encode(String text) {
        Encoding encoding = tokenizer.encode(text == null ? "" : text, true, false);
        long[] raw = encoding.getIds();
        long[] mask = encoding.getAttentionMask();
        int[] ids = new int[maxLength];
        int real = 0;
        for (int i = 0; i < maxLength && i < raw.length; i++) {
            ids[i] = Math.toIntExact(raw[i]);
            if (i < mask.length && mask[i] != 0) {
                real++;
            }
        }
        boolean truncated = encoding.exceedMaxLength();
        return new Tokenization(ids, real, truncated ? List.of("(truncated to " + maxLength + " tokens)") : List.of());
    }

    /** The length every encoding has. */
    public int maxLength() {
        return maxLength;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

package io.github.diffusion4j.tokenizer;

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

    /** T5's {@code <pad>} is id 0 in every released vocabulary (t5-v1_1, the SD3/FLUX encoders). */
    static final int PAD_ID = 0;

    private final HuggingFaceTokenizer tokenizer;
    private final int eosId;

    private T5Tokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        // the post-processor appends </s> to every encoding: the encoding of nothing is exactly it
        long[] empty = tokenizer.encode("", true, false).getIds();
        if (empty.length != 1) {
            throw new IllegalArgumentException("tokenizer.json does not look like a T5 tokenizer: encoding \"\" gave "
                    + empty.length + " ids, expected one </s>");
        }
        this.eosId = Math.toIntExact(empty[0]);
    }

    /**
     * Loads {@code dir/tokenizer.json}.
     *
     * @throws IllegalArgumentException when the folder has no tokenizer.json (a folder with only
     *                                  {@code spiece.model} is named as such), or the native library cannot load
     */
    public static T5Tokenizer load(Path dir) {
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
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
            try {
                return new T5Tokenizer(tokenizer);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + json + ": " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // the JNI library failed to load (unsupported platform, no writable cache folder) or the file is malformed
            throw new IllegalArgumentException("Cannot load the T5 tokenizer " + json + " with the Hugging Face tokenizers"
                    + " library: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes {@code text} to exactly {@code maxLength} ids: the pieces (as many as fit before {@code </s>}),
     * {@code </s>}, then {@code <pad>} — what {@code truncation=True} and {@code padding="max_length"} give.
     */
    public Tokenization encode(String text, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max_sequence_length must be at least 2, got " + maxLength);
        }
        long[] raw = tokenizer.encode(text == null ? "" : text, true, false).getIds();
        int pieces = raw.length - 1; // the last id is </s>
        int kept = Math.min(pieces, maxLength - 1);
        int[] ids = new int[maxLength];
        for (int i = 0; i < kept; i++) {
            ids[i] = Math.toIntExact(raw[i]);
        }
        ids[kept] = eosId;
        for (int i = kept + 1; i < maxLength; i++) {
            ids[i] = PAD_ID;
        }
        List<String> dropped = pieces > kept ? List.of("(" + (pieces - kept) + " T5 tokens past " + maxLength + ")")
                : List.of();
        return new Tokenization(ids, kept + 1, dropped);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

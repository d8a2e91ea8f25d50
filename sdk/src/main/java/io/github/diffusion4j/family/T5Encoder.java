package io.github.diffusion4j.family;

import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.model.SessionFactory;
import io.github.diffusion4j.model.TextEncoder;
import io.github.diffusion4j.tokenizer.T5Tokenizer;
import io.github.diffusion4j.tokenizer.Tokenization;

import java.util.List;

/**
 * The T5 encoder of SD3 ({@code text_encoder_3/}, {@code tokenizer_3/}) and FLUX.1 ({@code text_encoder_2/},
 * {@code tokenizer_2/}): diffusers' {@code _get_t5_prompt_embeds} — ids padded to {@code max_sequence_length},
 * the encoder's {@code last_hidden_state}. Owns the tokenizer and the session.
 */
final class T5Encoder implements AutoCloseable {

    private final T5Tokenizer tokenizer;
    private final TextEncoder encoder;

    private T5Encoder(T5Tokenizer tokenizer, TextEncoder encoder) {
        this.tokenizer = tokenizer;
        this.encoder = encoder;
    }

    static T5Encoder open(ModelFolder folder, SessionFactory sessions, String component, String tokenizerDir) {
        folder.requireFiles(List.of(component + "/model.onnx"));
        T5Tokenizer tokenizer;
        try {
            tokenizer = T5Tokenizer.load(folder.root().resolve(tokenizerDir));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("Cannot load " + tokenizerDir + "/ of " + folder.root() + ": " + e.getMessage(), e);
        }
        try {
            return new T5Encoder(tokenizer, TextEncoder.load(sessions, folder, component, 256));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** One [maxSequenceLength, width] embedding, and the tokenization (for truncation reports). */
    record Encoded(float[] sequence, int tokens, int width, List<String> droppedWords) {
    }

    Encoded encode(String text, int maxSequenceLength, RunContext context) {
        Tokenization ids = tokenizer.encode(text, maxSequenceLength);
        TextEncoder.Outputs out = encoder.encode(ids.ids(), List.of("last_hidden_state"), context.options(),
                context.stats());
        long[] shape = out.shape("last_hidden_state");
        return new Encoded(out.get("last_hidden_state"), (int) shape[1], (int) shape[2], ids.droppedWords());
    }

    long width() {
        return encoder.hiddenWidth();
    }

    TextEncoder encoder() {
        return encoder;
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing " + encoder.file());
        try {
            encoder.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
        tokenizer.close();
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }
}

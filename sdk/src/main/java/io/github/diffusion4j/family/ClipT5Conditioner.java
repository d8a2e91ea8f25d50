package io.github.diffusion4j.family;

import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.model.SessionFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLIP + T5 prompt encoding of the diffusion transformers:
 * <ul>
 *   <li>SD3 ({@code pipeline_stable_diffusion_3.py} {@code encode_prompt}): CLIP-L and CLIP-G penultimate hidden
 *   states side by side, zero-padded to the T5 width ({@code torch.nn.functional.pad}), then the T5 sequence
 *   appended along the token axis (77 + S tokens); pooled = both CLIP {@code text_embeds} concatenated. Without
 *   {@code text_encoder_3} the T5 part is zeros of [max_sequence_length, joint_attention_dim], as diffusers does;</li>
 *   <li>FLUX.1 ({@code pipeline_flux.py} {@code encode_prompt}): the T5 sequence; pooled = CLIP-L's
 *   {@code pooler_output}.</li>
 * </ul>
 */
final class ClipT5Conditioner implements Conditioner {

    private final ClipConditioner clip;
    private final T5Encoder t5;
    private final boolean sd3;
    private final int zeroT5Width;

    private ClipT5Conditioner(ClipConditioner clip, T5Encoder t5, boolean sd3, int zeroT5Width) {
        this.clip = clip;
        this.t5 = t5;
        this.sd3 = sd3;
        this.zeroT5Width = zeroT5Width;
    }

    static ClipT5Conditioner sd3(ModelFolder folder, SessionFactory sessions) {
        int jointDim = folder.componentConfig("transformer").filter(c -> c.hasNonNull("joint_attention_dim"))
                .map(c -> c.get("joint_attention_dim").asInt()).orElse(4096);
        return open(folder, sessions, () -> ClipConditioner.sd3(folder, sessions), "text_encoder_3", "tokenizer_3",
                true, jointDim);
    }

    static ClipT5Conditioner flux(ModelFolder folder, SessionFactory sessions) {
        if (!folder.hasComponent("text_encoder_2")) {
            throw new ModelLoadException("Model folder " + folder.root() + " is a FLUX.1 export without"
                    + " text_encoder_2/model.onnx (the T5 encoder FLUX needs)");
        }
        return open(folder, sessions, () -> ClipConditioner.pooledOnly(folder, sessions), "text_encoder_2",
                "tokenizer_2", false, 0);
    }

    private static ClipT5Conditioner open(ModelFolder folder, SessionFactory sessions,
                                          java.util.function.Supplier<ClipConditioner> clipLoader, String t5Component,
                                          String t5Tokenizer, boolean sd3, int zeroWidth) {
        ClipConditioner clip = clipLoader.get();
        try {
            T5Encoder t5 = folder.hasComponent(t5Component)
                    ? T5Encoder.open(folder, sessions, t5Component, t5Tokenizer) : null;
            return new ClipT5Conditioner(clip, t5, sd3, zeroWidth);
        } catch (RuntimeException e) {
            try {
                clip.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    @Override
    public TextEmbeddings encode(PromptText prompt, RunContext context) {
        // diffusers' fixed 77 CLIP tokens before the T5 sequence: no A1111 chunking for these families
        TextEmbeddings clipPart = clip.encode(new PromptText(prompt.prompt(), prompt.prompt2(), prompt.prompt3(),
                prompt.maxSequenceLength(), prompt.clipSkip()), context);
        String t5Text = sd3 ? prompt.prompt3() : prompt.prompt2();
        int length = prompt.maxSequenceLength();
        float[] t5Sequence;
        int t5Width;
        if (t5 != null) {
            T5Encoder.Encoded encoded = t5.encode(t5Text, length, context);
            t5Sequence = encoded.sequence();
            t5Width = encoded.width();
        } else {
            t5Width = zeroT5Width;
            t5Sequence = new float[length * t5Width];
        }
        if (!sd3) {
            return new TextEmbeddings(t5Sequence, length, t5Width, clipPart.pooled(), clipPart.droppedWords());
        }
        int clipTokens = clipPart.tokens();
        int width = Math.max(t5Width, clipPart.width());
        float[] joined = new float[(clipTokens + length) * width];
        for (int t = 0; t < clipTokens; t++) {
            System.arraycopy(clipPart.sequence(), t * clipPart.width(), joined, t * width, clipPart.width());
        }
        for (int t = 0; t < length; t++) {
            System.arraycopy(t5Sequence, t * t5Width, joined, (clipTokens + t) * width, t5Width);
        }
        return new TextEmbeddings(joined, clipTokens + length, width, clipPart.pooled(), clipPart.droppedWords());
    }

    @Override
    public long width() {
        return t5 != null ? t5.width() : zeroT5Width;
    }

    @Override
    public Map<String, String> contract() {
        Map<String, String> out = new LinkedHashMap<>(clip.contract());
        if (t5 != null) {
            out.put(t5.encoder().file(), t5.encoder().input().describe() + " -> " + t5.encoder().output().describe());
        }
        return out;
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing text encoders");
        for (AutoCloseable c : t5 == null ? List.<AutoCloseable>of(clip) : List.of(clip, t5)) {
            try {
                c.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }
}

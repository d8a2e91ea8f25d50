package io.github.diffusion4j.family;

import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.model.SessionFactory;
import io.github.diffusion4j.model.TextEncoder;
import io.github.diffusion4j.tokenizer.ClipTokenizer;
import io.github.diffusion4j.tokenizer.Tokenization;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CLIP prompt encoding with one or more (tokenizer, text encoder) pairs, as diffusers' {@code encode_prompt} does it:
 * <ul>
 *   <li>SD 1.x/2.x ({@code pipeline_stable_diffusion.py}): one pair, the last hidden state;</li>
 *   <li>SDXL ({@code pipeline_stable_diffusion_xl.py} {@code encode_prompt}): {@code text_encoder} (CLIP-L) and
 *   {@code text_encoder_2} (CLIP-G), each with {@code output_hidden_states=True}; the embeddings are the
 *   <em>penultimate</em> hidden states ({@code hidden_states[-2]}) concatenated along the last axis, the pooled
 *   embeddings the {@code text_embeds} of the last encoder (the refiner has only the second pair).</li>
 * </ul>
 * Ids are padded to the encoder's length with each tokenizer's own pad token (SDXL's {@code tokenizer_2} pads with
 * {@code !}, id 0).
 */
final class ClipConditioner implements Conditioner {

    /** One tokenizer with its encoder and the outputs taken from it. */
    private record Pair(ClipTokenizer tokenizer, TextEncoder encoder, String sequenceOutput, String pooledOutput) {

        /**
         * The per-token output for {@code clipSkip}: diffusers' SDXL and SD3 {@code encode_prompt} take
         * {@code hidden_states[-(clip_skip + 2)]} instead of the penultimate {@code hidden_states[-2]}.
         */
        String sequenceOutput(boolean penultimate, int clipSkip) {
            if (clipSkip == 0) {
                return sequenceOutput;
            }
            if (!penultimate) {
                // SD 1.x/2.x apply CLIP's final layer norm to the skipped layer (pipeline_stable_diffusion.py
                // encode_prompt), which ONNX exports do not expose separately
                throw new IllegalArgumentException("clipSkip is not available for this model: its pipeline applies"
                        + " CLIP's final layer norm to an earlier layer, which " + encoder.file() + " does not expose");
            }
            return encoder.hiddenStateOutput(clipSkip + 2);
        }
    }

    /** Which output of each encoder is pooled; the pooled embeddings are those of every pair, concatenated. */
    enum Pooled {
        /** SD 1.x/2.x: none. */
        NONE,
        /** SDXL: {@code text_embeds} of the last encoder (CLIP-G with projection). */
        LAST_TEXT_EMBEDS,
        /** SD3: {@code text_embeds} of both CLIP encoders, concatenated. */
        ALL_TEXT_EMBEDS,
        /** FLUX.1: {@code pooler_output} of CLIP-L. */
        POOLER_OUTPUT
    }

    private final List<Pair> pairs;
    private final boolean secondPromptGoesToLast;
    private final boolean penultimate;

    private ClipConditioner(List<Pair> pairs, boolean secondPromptGoesToLast, boolean penultimate) {
        this.pairs = pairs;
        this.secondPromptGoesToLast = secondPromptGoesToLast;
        this.penultimate = penultimate;
    }

    /** SD 1.x/2.x: {@code tokenizer/} and {@code text_encoder/}, last hidden state, no pooled embeddings. */
    static ClipConditioner single(ModelFolder folder, SessionFactory sessions) {
        return open(folder, sessions, List.of("text_encoder"), false, Pooled.NONE);
    }

    /** FLUX.1: CLIP-L's {@code pooler_output} (its per-token output is not used). */
    static ClipConditioner pooledOnly(ModelFolder folder, SessionFactory sessions) {
        return open(folder, sessions, List.of("text_encoder"), false, Pooled.POOLER_OUTPUT);
    }

    /** SD3: CLIP-L and CLIP-G, penultimate hidden states side by side, both {@code text_embeds} concatenated. */
    static ClipConditioner sd3(ModelFolder folder, SessionFactory sessions) {
        return open(folder, sessions, List.of("text_encoder", "text_encoder_2"), true, Pooled.ALL_TEXT_EMBEDS);
    }

    /**
     * SDXL: the pairs present among {@code (tokenizer, text_encoder)} and {@code (tokenizer_2, text_encoder_2)},
     * penultimate hidden states, pooled {@code text_embeds} of the last.
     */
    static ClipConditioner dual(ModelFolder folder, SessionFactory sessions) {
        List<String> encoders = new ArrayList<>();
        if (folder.hasComponent("text_encoder")) {
            encoders.add("text_encoder");
        }
        encoders.add("text_encoder_2");
        return open(folder, sessions, encoders, true, Pooled.LAST_TEXT_EMBEDS);
    }

    private static ClipConditioner open(ModelFolder folder, SessionFactory sessions, List<String> encoders,
                                        boolean penultimate, Pooled pooledMode) {
        List<String> files = new ArrayList<>();
        for (String component : encoders) {
            String tokenizerDir = component.replace("text_encoder", "tokenizer");
            files.addAll(List.of(component + "/model.onnx", tokenizerDir + "/vocab.json", tokenizerDir + "/merges.txt"));
        }
        folder.requireFiles(files);
        List<Pair> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < encoders.size(); i++) {
                String component = encoders.get(i);
                String tokenizerDir = component.replace("text_encoder", "tokenizer");
                ClipTokenizer tokenizer = loadTokenizer(folder, tokenizerDir);
                TextEncoder encoder = TextEncoder.load(sessions, folder, component, tokenizer.maxLength());
                String sequence = penultimate ? encoder.hiddenStateOutput(2) : encoder.output().name();
                String pooled = switch (pooledMode) {
                    case NONE -> null;
                    case LAST_TEXT_EMBEDS -> i == encoders.size() - 1 ? encoder.requireOutput("text_embeds") : null;
                    case ALL_TEXT_EMBEDS -> encoder.requireOutput("text_embeds");
                    case POOLER_OUTPUT -> encoder.requireOutput("pooler_output");
                };
                pairs.add(new Pair(tokenizer, encoder, penultimate ? sequence : textOutputKey(), pooled));
            }
        } catch (RuntimeException e) {
            for (Pair p : pairs) {
                closeQuietly(p.encoder(), e);
            }
            throw e;
        }
        return new ClipConditioner(List.copyOf(pairs), pooledMode != Pooled.NONE, penultimate);
    }

    /** TextEncoder keys its per-token output {@code last_hidden_state} whatever the graph calls it. */
    private static String textOutputKey() {
        return "last_hidden_state";
    }

    private static ClipTokenizer loadTokenizer(ModelFolder folder, String dir) {
        try {
            return ClipTokenizer.load(folder.root().resolve(dir));
        } catch (RuntimeException e) {
            throw new ModelLoadException("Cannot load " + dir + "/ of " + folder.root() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public TextEmbeddings encode(PromptText text, RunContext context) {
        String prompt = text.prompt();
        String second = text.prompt2();
        List<float[]> sequences = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        float[] pooled = null;
        List<String> dropped = List.of();
        int tokens = -1;
        for (int i = 0; i < pairs.size(); i++) {
            Pair pair = pairs.get(i);
            // diffusers: prompt_2 = prompt_2 or prompt, fed to tokenizer_2 / text_encoder_2
            boolean isSecond = secondPromptGoesToLast && i == pairs.size() - 1 && pairs.size() > 1;
            Tokenization tokenization = pair.tokenizer().encode(isSecond ? second : prompt);
            if (i == 0) {
                dropped = tokenization.droppedWords();
            }
            int[] ids = fit(tokenization.ids(), pair.encoder().sequenceLength());
            String sequenceOutput = pair.sequenceOutput(penultimate, text.clipSkip());
            List<String> names = pair.pooledOutput() == null ? List.of(sequenceOutput)
                    : List.of(sequenceOutput, pair.pooledOutput());
            TextEncoder.Outputs out = pair.encoder().encode(ids, names, context.options(), context.stats());
            long[] shape = out.shape(sequenceOutput);
            if (tokens >= 0 && shape[1] != tokens) {
                throw new IllegalStateException(pair.encoder().file() + " gave " + shape[1] + " tokens, the first encoder "
                        + tokens);
            }
            tokens = (int) shape[1];
            sequences.add(out.get(sequenceOutput));
            widths.add((int) shape[2]);
            if (pair.pooledOutput() != null) {
                pooled = concat(pooled, out.get(pair.pooledOutput()));
            }
        }
        return new TextEmbeddings(concatLastAxis(sequences, widths, tokens), tokens, widths.stream().mapToInt(w -> w).sum(),
                pooled, dropped);
    }

    private static float[] concat(float[] a, float[] b) {
        if (a == null) {
            return b.clone();
        }
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {@code torch.concat(prompt_embeds_list, dim=-1)} for [tokens, w_i] matrices. */
    private static float[] concatLastAxis(List<float[]> parts, List<Integer> widths, int tokens) {
        if (parts.size() == 1) {
            return parts.get(0).clone();
        }
        int total = widths.stream().mapToInt(w -> w).sum();
        float[] out = new float[tokens * total];
        for (int t = 0; t < tokens; t++) {
            int col = 0;
            for (int p = 0; p < parts.size(); p++) {
                int w = widths.get(p);
                System.arraycopy(parts.get(p), t * w, out, t * total + col, w);
                col += w;
            }
        }
        return out;
    }

    /** Pads or cuts ids to the encoder's fixed sequence length (tokenizers pad to their own model_max_length). */
    private static int[] fit(int[] ids, int length) {
        if (ids.length == length) {
            return ids;
        }
        int[] out = new int[length];
        int n = Math.min(ids.length, length);
        System.arraycopy(ids, 0, out, 0, n);
        int pad = ids[ids.length - 1];
        for (int i = n; i < length; i++) {
            out[i] = pad;
        }
        return out;
    }

    @Override
    public long width() {
        long total = 0;
        for (Pair p : pairs) {
            long w = p.encoder().hiddenWidth();
            if (w < 0) {
                return -1;
            }
            total += w;
        }
        return total;
    }

    @Override
    public Map<String, String> contract() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Pair p : pairs) {
            out.put(p.encoder().file(), p.encoder().input().describe() + " -> " + p.encoder().output().describe()
                    + (p.pooledOutput() != null ? ", " + p.pooledOutput() : ""));
        }
        return out;
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing text encoders");
        for (Pair p : pairs) {
            closeQuietly(p.encoder(), failure);
        }
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void closeQuietly(AutoCloseable c, Throwable primary) {
        try {
            c.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }
}

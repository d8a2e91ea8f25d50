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
            return folder.clipTokenizer(dir);
        } catch (RuntimeException e) {
            throw new ModelLoadException("Cannot load " + dir + "/ of " + folder.root() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public TextEmbeddings encode(PromptText text, RunContext context) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            // diffusers: prompt_2 = prompt_2 or prompt, fed to tokenizer_2 / text_encoder_2
            boolean isSecond = secondPromptGoesToLast && i == pairs.size() - 1 && pairs.size() > 1;
            texts.add(isSecond ? text.prompt2() : text.prompt());
        }
        boolean chunked = false;
        for (int i = 0; i < pairs.size(); i++) {
            chunked |= (text.weighting() || text.longPrompts())
                    && PromptChunks.needed(texts.get(i), pairs.get(i).tokenizer(), text.weighting())
                    && (text.longPrompts() || pairs.get(i).tokenizer().tokenize(texts.get(i)).length <= PromptChunks.CHUNK);
        }
        return chunked ? encodeChunked(text, texts, context) : encodePlain(text, texts, context);
    }

    /** diffusers' encoding: one padded, truncated id sequence per encoder. */
    private TextEmbeddings encodePlain(PromptText text, List<String> texts, RunContext context) {
        List<float[]> sequences = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        float[] pooled = null;
        List<String> dropped = List.of();
        int tokens = -1;
        for (int i = 0; i < pairs.size(); i++) {
            Pair pair = pairs.get(i);
            Tokenization tokenization = pair.tokenizer().encode(texts.get(i));
            if (i == 0) {
                dropped = tokenization.droppedWords();
            }
            Encoded e = encodeIds(pair, fit(tokenization.ids(), pair.encoder().sequenceLength()), text.clipSkip(), context);
            tokens = e.tokens();
            sequences.add(e.sequence());
            widths.add(e.width());
            if (e.pooled() != null) {
                pooled = concat(pooled, e.pooled());
            }
        }
        return new TextEmbeddings(concatLastAxis(sequences, widths, tokens), tokens, widths.stream().mapToInt(w -> w).sum(),
                pooled, dropped);
    }

    /**
     * A1111's encoding ({@code sd_hijack_clip.py}): chunks of 75 tokens each encoded on its own, emphasis applied per
     * chunk, the chunks joined along the token axis; pooled embeddings from the first chunk. Every encoder gets the
     * same number of chunks (the shorter padded with empty ones).
     */
    private TextEmbeddings encodeChunked(PromptText text, List<String> texts, RunContext context) {
        List<List<PromptChunks.Chunk>> perPair = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < pairs.size(); i++) {
            List<PromptChunks.Chunk> chunks = new ArrayList<>(PromptChunks.of(texts.get(i), pairs.get(i).tokenizer(),
                    text.weighting()));
            if (!text.longPrompts() && chunks.size() > 1) {
                chunks = new ArrayList<>(chunks.subList(0, 1));
            }
            perPair.add(chunks);
            count = Math.max(count, chunks.size());
        }
        List<float[]> sequences = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        float[] pooled = null;
        for (int i = 0; i < pairs.size(); i++) {
            Pair pair = pairs.get(i);
            List<PromptChunks.Chunk> chunks = perPair.get(i);
            while (chunks.size() < count) {
                chunks.add(PromptChunks.of("", pair.tokenizer(), false).get(0));
            }
            List<float[]> parts = new ArrayList<>();
            int width = 0;
            int perChunk = 0;
            for (int c = 0; c < chunks.size(); c++) {
                PromptChunks.Chunk chunk = chunks.get(c);
                Encoded e = encodeIds(pair, fit(chunk.ids(), pair.encoder().sequenceLength()), text.clipSkip(), context);
                float[] z = e.sequence().clone();
                PromptChunks.emphasise(z, e.tokens(), e.width(), fitWeights(chunk.weights(), e.tokens()));
                parts.add(z);
                width = e.width();
                perChunk = e.tokens();
                if (c == 0 && e.pooled() != null) {
                    pooled = concat(pooled, e.pooled());
                }
            }
            float[] joined = new float[parts.size() * perChunk * width];
            for (int c = 0; c < parts.size(); c++) {
                System.arraycopy(parts.get(c), 0, joined, c * perChunk * width, perChunk * width);
            }
            sequences.add(joined);
            widths.add(width);
        }
        int tokens = sequences.get(0).length / widths.get(0);
        return new TextEmbeddings(concatLastAxis(sequences, widths, tokens), tokens, widths.stream().mapToInt(w -> w).sum(),
                pooled, List.of());
    }

    private static float[] fitWeights(float[] weights, int length) {
        if (weights.length == length) {
            return weights;
        }
        float[] out = new float[length];
        java.util.Arrays.fill(out, 1f);
        System.arraycopy(weights, 0, out, 0, Math.min(length, weights.length));
        return out;
    }

    /** One encoder call's outputs. */
    private record Encoded(float[] sequence, int tokens, int width, float[] pooled) {
    }

    private Encoded encodeIds(Pair pair, int[] ids, int clipSkip, RunContext context) {
        String sequenceOutput = pair.sequenceOutput(penultimate, clipSkip);
        List<String> names = pair.pooledOutput() == null ? List.of(sequenceOutput)
                : List.of(sequenceOutput, pair.pooledOutput());
        TextEncoder.Outputs out = pair.encoder().encode(ids, names, context.options(), context.stats());
        long[] shape = out.shape(sequenceOutput);
        return new Encoded(out.get(sequenceOutput), (int) shape[1], (int) shape[2],
                pair.pooledOutput() == null ? null : out.get(pair.pooledOutput()));
    }

    /**
     * {@code tokens} as a multiple of the encoder's length: {@code embeddings} followed by empty-prompt chunks, as
     * A1111 pads the shorter of the prompt and negative prompt ({@code sd_samplers_cfg_denoiser.py pad_cond}).
     */
    @Override
    public TextEmbeddings padTo(TextEmbeddings embeddings, int tokens, RunContext context) {
        if (embeddings.tokens() >= tokens) {
            return embeddings;
        }
        TextEmbeddings empty = encodePlain(PromptText.of(""), java.util.Collections.nCopies(pairs.size(), ""), context);
        float[] out = new float[tokens * embeddings.width()];
        System.arraycopy(embeddings.sequence(), 0, out, 0, embeddings.sequence().length);
        for (int t = embeddings.tokens(); t < tokens; t++) {
            int from = ((t - embeddings.tokens()) % empty.tokens()) * empty.width();
            System.arraycopy(empty.sequence(), from, out, t * embeddings.width(), embeddings.width());
        }
        return new TextEmbeddings(out, tokens, embeddings.width(), embeddings.pooled(), embeddings.droppedWords());
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

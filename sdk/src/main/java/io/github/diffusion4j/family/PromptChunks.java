package io.github.diffusion4j.family;

import io.github.diffusion4j.tokenizer.ClipTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AUTOMATIC1111's long-prompt chunking (modules/sd_hijack_clip.py {@code tokenize_line}): the weighted fragments'
 * tokens in chunks of 75, each encoded as start + 75 + end (77, CLIP's length), a chunk broken after its last comma
 * when that comma is within the last 20 tokens ({@code comma_padding_backtrack}), {@code BREAK} ending a chunk, short
 * chunks padded with the tokenizer's pad id; a weight per token (1 for start, end and padding).
 */
final class PromptChunks {

    static final int CHUNK = 75;
    private static final int COMMA_BACKTRACK = 20;

    /** One encoder call: 77 ids and their weights. */
    record Chunk(int[] ids, float[] weights) {
    }

    private final ClipTokenizer tokenizer;
    private final List<Chunk> chunks = new ArrayList<>();
    private List<Integer> tokens = new ArrayList<>();
    private List<Float> weights = new ArrayList<>();
    private int lastComma = -1;

    private PromptChunks(ClipTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The chunks of {@code text}; with {@code weighting} off, parentheses are plain text. */
    static List<Chunk> of(String text, ClipTokenizer tokenizer, boolean weighting) {
        PromptChunks c = new PromptChunks(tokenizer);
        List<PromptWeights.Fragment> fragments = weighting ? PromptWeights.parse(text)
                : List.of(new PromptWeights.Fragment(text, 1.0));
        int comma = tokenizer.commaTokenId();
        for (PromptWeights.Fragment fragment : fragments) {
            if (fragment.isBreak()) {
                c.next();
                continue;
            }
            for (int token : tokenizer.tokenize(fragment.text())) {
                c.add(token, (float) fragment.weight(), comma);
            }
        }
        if (!c.tokens.isEmpty() || c.chunks.isEmpty()) {
            c.next();
        }
        return c.chunks;
    }

    /** Whether {@code text} needs the chunked path: emphasis syntax, or more tokens than one chunk holds. */
    static boolean needed(String text, ClipTokenizer tokenizer, boolean weighting) {
        return (weighting && PromptWeights.hasSyntax(text)) || tokenizer.tokenize(text).length > CHUNK;
    }

    private void add(int token, float weight, int comma) {
        if (token == comma) {
            lastComma = tokens.size();
        } else if (tokens.size() == CHUNK && lastComma != -1 && tokens.size() - lastComma <= COMMA_BACKTRACK) {
            // move the words after the last comma to the next chunk rather than cut one in half
            int at = lastComma + 1;
            List<Integer> movedTokens = new ArrayList<>(tokens.subList(at, tokens.size()));
            List<Float> movedWeights = new ArrayList<>(weights.subList(at, weights.size()));
            tokens = new ArrayList<>(tokens.subList(0, at));
            weights = new ArrayList<>(weights.subList(0, at));
            next();
            tokens = movedTokens;
            weights = movedWeights;
        }
        if (tokens.size() == CHUNK) {
            next();
        }
        tokens.add(token);
        weights.add(weight);
    }

    private void next() {
        int[] ids = new int[CHUNK + 2];
        float[] w = new float[CHUNK + 2];
        Arrays.fill(ids, tokenizer.padTokenId());
        Arrays.fill(w, 1f);
        ids[0] = tokenizer.bosTokenId();
        for (int i = 0; i < tokens.size(); i++) {
            ids[1 + i] = tokens.get(i);
            w[1 + i] = weights.get(i);
        }
        ids[1 + tokens.size()] = tokenizer.eosTokenId();
        chunks.add(new Chunk(ids, w));
        tokens = new ArrayList<>();
        weights = new ArrayList<>();
        lastComma = -1;
    }

    /**
     * A1111's "Original" emphasis ({@code sd_emphasis.py} {@code EmphasisOriginal}): each token's embedding times its
     * weight, then the whole chunk rescaled so that its mean is what it was before.
     */
    static void emphasise(float[] z, int tokens, int width, float[] weights) {
        double before = mean(z);
        for (int t = 0; t < tokens; t++) {
            float w = weights[t];
            for (int d = 0; d < width; d++) {
                z[t * width + d] *= w;
            }
        }
        double after = mean(z);
        if (after != 0) {
            float restore = (float) (before / after);
            for (int i = 0; i < z.length; i++) {
                z[i] *= restore;
            }
        }
    }

    private static double mean(float[] z) {
        double sum = 0;
        for (float v : z) {
            sum += v;
        }
        return sum / z.length;
    }
}

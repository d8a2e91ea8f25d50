package io.github.diffusion4j.family;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AUTOMATIC1111's prompt emphasis syntax, ported from {@code modules/prompt_parser.py}
 * ({@code parse_prompt_attention}): {@code (word)} × 1.1, {@code (word:1.3)} × 1.3, {@code [word]} ÷ 1.1, nesting
 * multiplies, unbalanced brackets close at the end, {@code \(}, {@code \)}, {@code \[}, {@code \]}, {@code \\} are
 * literals, and {@code BREAK} (upper case, a word of its own) starts a new 75-token chunk. Runs of equal weight are
 * merged.
 */
public final class PromptWeights {

    /** {@code re_attention} of prompt_parser.py. */
    private static final Pattern ATTENTION = Pattern.compile(
            "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:([+-]?[.\\d]+)\\)|\\)|]|[^\\\\()\\[\\]:]+|:");
    /** {@code re_break} of prompt_parser.py. */
    private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*", Pattern.DOTALL);
    private static final double ROUND = 1.1;
    private static final double SQUARE = 1 / 1.1;

    /** A piece of text and its weight; {@link #isBreak()} for a BREAK. */
    public record Fragment(String text, double weight) {
        public boolean isBreak() {
            return weight == -1 && "BREAK".equals(text);
        }
    }

    private PromptWeights() {
    }

    /** Parses {@code text} into weighted fragments, as {@code parse_prompt_attention} does. */
    public static List<Fragment> parse(String text) {
        List<String> texts = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        List<Integer> round = new ArrayList<>();
        List<Integer> square = new ArrayList<>();
        Matcher m = ATTENTION.matcher(text);
        while (m.find()) {
            String part = m.group(0);
            String weight = m.group(1);
            if (part.startsWith("\\")) {
                texts.add(part.substring(1));
                weights.add(1.0);
            } else if (part.equals("(")) {
                round.add(texts.size());
            } else if (part.equals("[")) {
                square.add(texts.size());
            } else if (weight != null && !round.isEmpty()) {
                multiply(weights, round.remove(round.size() - 1), parseWeight(weight, part));
            } else if (part.equals(")") && !round.isEmpty()) {
                multiply(weights, round.remove(round.size() - 1), ROUND);
            } else if (part.equals("]") && !square.isEmpty()) {
                multiply(weights, square.remove(square.size() - 1), SQUARE);
            } else {
                String[] pieces = BREAK.split(part, -1);
                for (int i = 0; i < pieces.length; i++) {
                    if (i > 0) {
                        texts.add("BREAK");
                        weights.add(-1.0);
                    }
                    texts.add(pieces[i]);
                    weights.add(1.0);
                }
            }
        }
        for (int pos : round) {
            multiply(weights, pos, ROUND);
        }
        for (int pos : square) {
            multiply(weights, pos, SQUARE);
        }
        return merge(texts, weights);
    }

    private static double parseWeight(String weight, String part) {
        try {
            return Double.parseDouble(weight);
        } catch (NumberFormatException e) {
            // Python's float() would raise too: A1111 fails the whole generation; name the fragment instead
            throw new IllegalArgumentException("prompt: '" + part + "' has no valid weight");
        }
    }

    private static void multiply(List<Double> weights, int from, double factor) {
        for (int p = from; p < weights.size(); p++) {
            weights.set(p, weights.get(p) * factor);
        }
    }

    private static List<Fragment> merge(List<String> texts, List<Double> weights) {
        List<Fragment> out = new ArrayList<>();
        if (texts.isEmpty()) {
            out.add(new Fragment("", 1.0));
            return out;
        }
        StringBuilder current = new StringBuilder(texts.get(0));
        double weight = weights.get(0);
        for (int i = 1; i < texts.size(); i++) {
            if (weights.get(i).doubleValue() == weight) {
                current.append(texts.get(i));
            } else {
                out.add(new Fragment(current.toString(), weight));
                current = new StringBuilder(texts.get(i));
                weight = weights.get(i);
            }
        }
        out.add(new Fragment(current.toString(), weight));
        return out;
    }

    /** Whether {@code text} uses the syntax at all (plain prompts keep diffusers' exact encoding). */
    public static boolean hasSyntax(String text) {
        return text.indexOf('(') >= 0 || text.indexOf('[') >= 0 || text.indexOf('\\') >= 0 || text.contains("BREAK");
    }
}

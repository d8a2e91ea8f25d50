package io.github.diffusion4j.tokenizer;

import io.github.diffusion4j.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading a Hugging Face CLIP tokenizer folder for {@link ClipTokenizer#load}: {@code vocab.json}, {@code merges.txt}
 * and the special-token settings of {@code tokenizer_config.json} / {@code special_tokens_map.json}. Every error names
 * the file.
 */
final class ClipTokenizerFiles {

    private ClipTokenizerFiles() {
    }

    static Map<String, Integer> readVocab(Path file) {
        if (!(readJson(file) instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(file + " must be a JSON object of token to id");
        }
        Map<String, Integer> encoder = new HashMap<>(root.size() * 2);
        for (Map.Entry<?, ?> entry : root.entrySet()) {
            // Jackson's canConvertToInt: an integer, or a number with a fraction, within the int range
            if (!(entry.getValue() instanceof Number id) || !(id instanceof Integer || id instanceof Double d
                    && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE)) {
                throw new IllegalArgumentException(file + ": id of '" + entry.getKey() + "' is not an integer");
            }
            encoder.put((String) entry.getKey(), id.intValue());
        }
        return Collections.unmodifiableMap(encoder);
    }

    static Map<String, Integer> readMerges(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, Integer> ranks = new HashMap<>();
        int rank = 0;
        for (int lineNumber = 0; lineNumber < lines.size() && rank < ClipTokenizer.MAX_MERGES; lineNumber++) {
            String line = lines.get(lineNumber).strip();
            // The first line is the "#version: 0.2" header, which the reference skips.
            if (line.isEmpty() || (lineNumber == 0 && line.startsWith("#"))) {
                continue;
            }
            String[] parts = twoSymbols(line);
            if (parts == null) {
                throw new IllegalArgumentException(
                        file + ": line " + (lineNumber + 1) + " is not a merge of two symbols: '" + line + "'");
            }
            // dict(zip(merges, range(...))) in the reference: a repeated merge keeps its last rank.
            ranks.put(ClipTokenizer.pairKey(parts[0], parts[1]), rank);
            rank++;
        }
        return Collections.unmodifiableMap(ranks);
    }

    /**
     * {@code line.split("\\s+")} when it gives exactly two parts, else {@code null}, for a stripped line; without a
     * regex: String.split compiles its pattern on every call, which was most of the load of a 48,894-line file.
     */
    static String[] twoSymbols(String line) {
        int end = 0;
        while (end < line.length() && !regexSpace(line.charAt(end))) {
            end++;
        }
        int start = end;
        while (start < line.length() && regexSpace(line.charAt(start))) {
            start++;
        }
        if (end == 0 || start == end || start == line.length()) {
            return null;
        }
        for (int i = start; i < line.length(); i++) {
            if (regexSpace(line.charAt(i))) {
                return null;
            }
        }
        return new String[] {line.substring(0, end), line.substring(start)};
    }

    /** {@code \\s} of java.util.regex: [ \\t\\n\\x0B\\f\\r]. */
    private static boolean regexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    static Object readOptionalJson(Path file) {
        return Files.isRegularFile(file) ? readJson(file) : null;
    }

    private static Object readJson(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The configurable settings, with the defaults of HF's CLIPTokenizer. */
    static final class Settings {
        int maxLength = ClipTokenizer.DEFAULT_MAX_LENGTH;
        boolean lowerCase = true;
        String bosToken = ClipTokenizer.START_OF_TEXT;
        String eosToken = ClipTokenizer.END_OF_TEXT;
        String padToken = ClipTokenizer.END_OF_TEXT;
        String unkToken = ClipTokenizer.END_OF_TEXT;

        void apply(Object json) {
            if (!(json instanceof Map<?, ?> config)) {
                return;
            }
            Object length = config.get("model_max_length");
            // HF writes a huge sentinel (1e30) when no length was configured; CLIP's encoder then still takes 77.
            if (length instanceof Integer integral) {
                int value = integral;
                if (value < 2) {
                    throw new IllegalArgumentException(
                            "model_max_length must leave room for the start and end tokens (>= 2), got " + value);
                }
                maxLength = value;
            }
            if (config.get("do_lower_case") instanceof Boolean lower) {
                lowerCase = lower;
            }
            bosToken = token(config, "bos_token", bosToken);
            eosToken = token(config, "eos_token", eosToken);
            padToken = token(config, "pad_token", padToken);
            unkToken = token(config, "unk_token", unkToken);
        }

        /** A special token is written as a plain string or as an AddedToken object with a "content" field. */
        private static String token(Map<?, ?> config, String key, String current) {
            Object value = config.get(key);
            if (value == null) {
                return current;
            }
            if (value instanceof String text) {
                return text;
            }
            if (value instanceof Map<?, ?> token && token.get("content") instanceof String content) {
                return content;
            }
            throw new IllegalArgumentException(key + " must be a string or an object with a \"content\" string");
        }
    }
}

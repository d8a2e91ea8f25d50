package io.github.diffusion4j.tokenizer;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLIP byte-level BPE tokenizer of Stable Diffusion's text encoder, in pure Java.
 *
 * <p>It gives the ids of HF transformers' (slow) {@code CLIPTokenizer} as diffusers calls it
 * ({@code padding="max_length", truncation=True}) when ftfy is not installed: the text is cleaned as HF's
 * {@code BasicTokenizer(strip_accents=False, do_split_on_punc=False)} does (control characters dropped,
 * whitespace collapsed, CJK ideographs split apart, NFC, lower case), then split, byte-encoded and BPE-merged as
 * openai CLIP's {@code simple_tokenizer.py} does.
 *
 * <p>Instances are immutable apart from an internal, bounded BPE cache that is safe for concurrent use, so one
 * tokenizer may serve many threads.
 */
public final class ClipTokenizer {

    /** The positions of CLIP's text encoder; used when the configuration gives no usable model_max_length. */
    public static final int DEFAULT_MAX_LENGTH = 77;

    static final String START_OF_TEXT = "<|startoftext|>";
    static final String END_OF_TEXT = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";

    /** simple_tokenizer.py keeps only {@code merges[1:49152-256-2+1]}; HF's CLIPTokenizer does the same. */
    static final int MAX_MERGES = 49152 - 256 - 2;

    /** Distinct words kept in the BPE cache; prompts reuse a small vocabulary, so this bounds memory, not speed. */
    private static final int CACHE_CAPACITY = 16_384;

    /**
     * simple_tokenizer.py's pre-tokenisation pattern. Case-insensitive as in the reference, which matters only for
     * the special tokens and contractions when lower-casing is turned off.
     */
    private static final Pattern PIECE = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE);

    private static final char[] BYTE_ENCODER = bytesToUnicode();

    private final Map<String, Integer> encoder;
    private final Map<String, Integer> mergeRanks;
    private final ConcurrentHashMap<String, String[]> cache = new ConcurrentHashMap<>();
    private final int maxLength;
    private final boolean lowerCase;
    private final int bosTokenId;
    private final int eosTokenId;
    private final int padTokenId;
    private final int unkTokenId;

    private ClipTokenizer(Map<String, Integer> encoder, Map<String, Integer> mergeRanks,
                          ClipTokenizerFiles.Settings settings) {
        this.encoder = encoder;
        this.mergeRanks = mergeRanks;
        this.maxLength = settings.maxLength;
        this.lowerCase = settings.lowerCase;
        this.bosTokenId = tokenId(settings.bosToken, "bos_token");
        this.eosTokenId = tokenId(settings.eosToken, "eos_token");
        this.padTokenId = tokenId(settings.padToken, "pad_token");
        this.unkTokenId = tokenId(settings.unkToken, "unk_token");
        // The reference seeds its cache with the special tokens so that they are never split by BPE.
        cache.put(START_OF_TEXT, new String[] {START_OF_TEXT});
        cache.put(END_OF_TEXT, new String[] {END_OF_TEXT});
    }

    /**
     * Loads a tokenizer folder in the Hugging Face CLIP layout: {@code vocab.json} and {@code merges.txt}, plus the
     * optional {@code tokenizer_config.json} and {@code special_tokens_map.json} (the latter overriding the
     * former, as in transformers). Recognised settings: {@code model_max_length} (default 77),
     * {@code do_lower_case} (default true), and {@code bos_token}, {@code eos_token}, {@code pad_token},
     * {@code unk_token}, each a string or an object with a {@code content} field (defaults:
     * {@code <|startoftext|>}, and {@code <|endoftext|>} for the others).
     *
     * @param tokenizerDir the tokenizer folder
     * @return the tokenizer
     * @throws IllegalArgumentException when a required file is missing, a file is malformed, or a special token is
     *     not in the vocabulary; the message names the file or setting
     * @throws UncheckedIOException when a file cannot be read
     */
    public static ClipTokenizer load(Path tokenizerDir) {
        Path vocabFile = tokenizerDir.resolve("vocab.json");
        Path mergesFile = tokenizerDir.resolve("merges.txt");
        for (Path required : List.of(vocabFile, mergesFile)) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalArgumentException("tokenizer file not found: " + required);
            }
        }
        Map<String, Integer> encoder = ClipTokenizerFiles.readVocab(vocabFile);
        Map<String, Integer> ranks = ClipTokenizerFiles.readMerges(mergesFile);
        ClipTokenizerFiles.Settings settings = new ClipTokenizerFiles.Settings();
        settings.apply(ClipTokenizerFiles.readOptionalJson(tokenizerDir.resolve("tokenizer_config.json")));
        settings.apply(ClipTokenizerFiles.readOptionalJson(tokenizerDir.resolve("special_tokens_map.json")));
        return new ClipTokenizer(encoder, ranks, settings);
    }

    /**
     * Encodes a prompt as the text encoder's {@code input_ids}: the start token, the prompt's tokens (as many as fit
     * in {@code maxLength() - 2}), the end token, then the pad token up to exactly {@link #maxLength()} ids.
     *
     * @param text the prompt; {@code <|startoftext|>} and {@code <|endoftext|>} written in it become those tokens
     * @return the ids, the count of real tokens, and the words cut off by truncation
     */
    public Tokenization encode(String text) {
        List<String> words = cleanWords(text);
        int room = maxLength - 2;
        int[] ids = new int[maxLength];
        int count = 0;
        ids[count++] = bosTokenId;
        List<String> dropped = new ArrayList<>();
        for (String word : words) {
            if (!dropped.isEmpty()) {
                // Every cleaned word yields at least one token, so all words after a cut-off one are cut off too.
                dropped.add(word);
                continue;
            }
            Matcher matcher = PIECE.matcher(lowerCase ? word.toLowerCase(Locale.ROOT) : word);
            while (matcher.find()) {
                for (String token : bpe(byteEncode(matcher.group()))) {
                    if (count - 1 < room) {
                        ids[count++] = encoder.getOrDefault(token, unkTokenId);
                    } else if (dropped.isEmpty()) {
                        dropped.add(word);
                    }
                }
            }
        }
        ids[count++] = eosTokenId;
        int tokenCount = count;
        while (count < maxLength) {
            ids[count++] = padTokenId;
        }
        return new Tokenization(ids, tokenCount, dropped);
    }

    /**
     * The token ids of {@code text} without start, end or padding and without truncation: what A1111's prompt
     * chunking ({@code sd_hijack_clip.py} {@code tokenize}) works on.
     */
    public int[] tokenize(String text) {
        List<Integer> out = new ArrayList<>();
        for (String word : cleanWords(text)) {
            Matcher matcher = PIECE.matcher(lowerCase ? word.toLowerCase(Locale.ROOT) : word);
            while (matcher.find()) {
                for (String token : bpe(byteEncode(matcher.group()))) {
                    out.add(encoder.getOrDefault(token, unkTokenId));
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The id of {@code ,} (A1111 breaks long prompts after the last comma of a chunk), or -1 when absent. */
    public int commaTokenId() {
        return encoder.getOrDefault(",</w>", -1);
    }

    /** The length every encoding is padded or truncated to ({@code model_max_length}). */
    public int maxLength() {
        return maxLength;
    }

    /** The id of the padding token: {@code <|endoftext|>} in SD 1.x tokenizers, {@code !} (id 0) in SD 2.x. */
    public int padTokenId() {
        return padTokenId;
    }

    /** The id of the start-of-text token that begins every encoding. */
    public int bosTokenId() {
        return bosTokenId;
    }

    /** The id of the end-of-text token that ends the real tokens of every encoding. */
    public int eosTokenId() {
        return eosTokenId;
    }

    /** The number of entries in {@code vocab.json}. */
    public int vocabSize() {
        return encoder.size();
    }

    // ---- text cleanup: HF transformers BasicTokenizer (models/bert/tokenization_bert.py) ----------------------

    /** The whitespace-separated words of the cleaned text, case preserved. */
    static List<String> cleanWords(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
            }
            if (isWhitespace(cp)) {
                cleaned.append(' ');
            } else if (isCjkIdeograph(cp)) {
                // _tokenize_chinese_chars: each ideograph becomes a word of its own.
                cleaned.append(' ').appendCodePoint(cp).append(' ');
            } else {
                cleaned.appendCodePoint(cp);
            }
        });
        String normalized = Normalizer.normalize(cleaned, Normalizer.Form.NFC);
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < normalized.length(); i++) {
            if (isSplitPoint(normalized.charAt(i))) {
                if (start >= 0) {
                    words.add(normalized.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            words.add(normalized.substring(start));
        }
        return words;
    }

    /** _is_control: every "C*" category except tab, newline and carriage return (which count as whitespace). */
    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
    }

    /** _is_whitespace: space, tab, newline, carriage return and the space separators (Zs). */
    private static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    /**
     * Where Python's {@code str.split()} splits what cleanup leaves: spaces, and the line and paragraph separators
     * (Zl, Zp), which are neither controls nor Zs and so survive cleanup.
     */
    private static boolean isSplitPoint(char c) {
        return c == ' ' || c == '\u2028' || c == '\u2029';
    }

    /** _is_chinese_char: the CJK Unified Ideographs blocks and their extensions and compatibility forms. */
    private static boolean isCjkIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    // ---- byte-level BPE: openai CLIP simple_tokenizer.py ----------------------------------------------------------

    /**
     * bytes_to_unicode: printable latin-1 bytes stand for themselves and the other bytes map to U+0100 onwards, so
     * every byte has a visible, non-space symbol and BPE can work on strings.
     */
    private static char[] bytesToUnicode() {
        char[] table = new char[256];
        boolean[] printable = new boolean[256];
        for (int b = 0; b < 256; b++) {
            printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        }
        int next = 256;
        for (int b = 0; b < 256; b++) {
            table[b] = printable[b] ? (char) b : (char) next++;
        }
        return table;
    }

    /** The symbols of bytes_to_unicode in the reference's order (printable bytes first), as vocab.json lists them. */
    static List<String> byteSymbolsInVocabOrder() {
        List<String> printableFirst = new ArrayList<>(256);
        List<String> rest = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(BYTE_ENCODER[b]);
            if (BYTE_ENCODER[b] == b) {
                printableFirst.add(symbol);
            } else {
                rest.add(symbol);
            }
        }
        printableFirst.addAll(rest);
        return printableFirst;
    }

    private static String byteEncode(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_ENCODER[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /** SimpleTokenizer.bpe: repeatedly merge the adjacent pair of lowest rank until no ranked pair is left. */
    private String[] bpe(String token) {
        String[] cached = cache.get(token);
        if (cached != null) {
            return cached;
        }
        List<String> word = new ArrayList<>(token.length());
        token.codePoints().forEach(cp -> word.add(new String(Character.toChars(cp))));
        int last = word.size() - 1;
        word.set(last, word.get(last) + END_OF_WORD);
        List<String> current = word;
        while (current.size() > 1) {
            String first = null;
            String second = null;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < current.size(); i++) {
                Integer rank = mergeRanks.get(pairKey(current.get(i), current.get(i + 1)));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    first = current.get(i);
                    second = current.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            // Merge every non-overlapping occurrence of the pair, left to right, as the reference does.
            List<String> merged = new ArrayList<>(current.size());
            int i = 0;
            while (i < current.size()) {
                if (i + 1 < current.size() && current.get(i).equals(first) && current.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i += 2;
                } else {
                    merged.add(current.get(i));
                    i++;
                }
            }
            current = merged;
        }
        String[] result = current.toArray(new String[0]);
        if (cache.size() < CACHE_CAPACITY) {
            cache.putIfAbsent(token, result);
        }
        return result;
    }

    /** Symbols never contain a space (bytes_to_unicode maps the space byte to U+0120), so it can join a pair. */
    static String pairKey(String first, String second) {
        return first + ' ' + second;
    }

    // ---- loading --------------------------------------------------------------------------------------------------

    private int tokenId(String token, String setting) {
        Integer id = encoder.get(token);
        if (id == null) {
            throw new IllegalArgumentException(setting + " '" + token + "' is not in vocab.json");
        }
        return id;
    }
}

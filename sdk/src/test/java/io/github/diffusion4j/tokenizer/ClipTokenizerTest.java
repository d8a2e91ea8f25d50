package io.github.diffusion4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the tokenizer against the expected encodings that {@code tools/goldens/clip_tokenizer_reference.py} (an
 * independent Python transcription of openai CLIP's simple_tokenizer with HF's cleanup) computed for the test
 * tokenizers in {@code src/test/resources/tokenizer/}.
 */
class ClipTokenizerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tempDir;

    private static Path resourceDir(String name) {
        try {
            return Path.of(ClipTokenizerTest.class.getResource("/tokenizer/" + name + "/vocab.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode expected(String name) throws IOException {
        return MAPPER.readTree(resourceDir(name).resolve("expected.json").toFile());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sd1", "sd2"})
    void matchesTheReferenceOnTheTextPanel(String name) throws IOException {
        ClipTokenizer tokenizer = ClipTokenizer.load(resourceDir(name));
        JsonNode expected = expected(name);
        assertThat(tokenizer.maxLength()).isEqualTo(expected.get("maxLength").asInt());
        assertThat(tokenizer.padTokenId()).isEqualTo(expected.get("padTokenId").asInt());
        assertThat(tokenizer.bosTokenId()).isEqualTo(expected.get("bosTokenId").asInt());
        assertThat(tokenizer.eosTokenId()).isEqualTo(expected.get("eosTokenId").asInt());
        assertThat(tokenizer.vocabSize()).isEqualTo(expected.get("vocabSize").asInt());
        int truncatedCases = 0;
        for (JsonNode golden : expected.get("cases")) {
            String text = golden.get("text").asText();
            Tokenization actual = tokenizer.encode(text);
            String what = name + " \"" + text + "\" (tokens " + golden.get("tokens") + ")";
            assertThat(actual.ids()).as(what).containsExactly(ints(golden.get("ids")));
            assertThat(actual.tokenCount()).as(what).isEqualTo(golden.get("tokenCount").asInt());
            assertThat(actual.droppedWords()).as(what).containsExactlyElementsOf(strings(golden.get("droppedWords")));
            assertThat(actual.truncated()).as(what).isEqualTo(golden.get("droppedWords").size() > 0);
            truncatedCases += actual.truncated() ? 1 : 0;
        }
        assertThat(expected.get("cases").size()).isGreaterThanOrEqualTo(25);
        assertThat(truncatedCases).isGreaterThanOrEqualTo(2);
    }

    /** The merges reader's split is String.split("\\s+") wherever that gives two parts, and refuses the rest. */
    @ParameterizedTest
    @ValueSource(strings = {"a b", "a  b", "a\tb", "a \t\u000B\f\rb", "\u00e2\u0122 t</w>", "a\u00a0b c", "a",
            "a b c", "a\u2003b", "#version: 0.2", "x\u000Bb"})
    void mergeLinesSplitAsTheRegexDoes(String line) {
        String[] regex = line.split("\\s+");
        String[] ours = ClipTokenizerFiles.twoSymbols(line);
        if (regex.length == 2 && !regex[0].isEmpty()) {
            assertThat(ours).containsExactly(regex);
        } else {
            assertThat(ours).as("'%s' splits into %d parts", line, regex.length).isNull();
        }
    }

    @Test
    void padsWithTheConfiguredPadToken() {
        ClipTokenizer sd1 = ClipTokenizer.load(resourceDir("sd1"));
        ClipTokenizer sd2 = ClipTokenizer.load(resourceDir("sd2"));
        // SD 1.x pads with <|endoftext|>, SD 2.x with "!" (id 0): the same text gives different padding.
        assertThat(sd1.padTokenId()).isEqualTo(sd1.eosTokenId());
        assertThat(sd2.padTokenId()).isZero();
        Tokenization a = sd1.encode("a cat");
        Tokenization b = sd2.encode("a cat");
        assertThat(a.tokenCount()).isEqualTo(4).isEqualTo(b.tokenCount());
        int[] ids1 = a.ids();
        int[] ids2 = b.ids();
        assertThat(ids1).hasSize(77);
        assertThat(ids2).hasSize(77);
        assertThat(ids1[0]).isEqualTo(sd1.bosTokenId());
        assertThat(ids1[3]).isEqualTo(sd1.eosTokenId());
        assertThat(ids2[3]).isEqualTo(sd2.eosTokenId());
        for (int i = 4; i < 77; i++) {
            assertThat(ids1[i]).isEqualTo(sd1.eosTokenId());
            assertThat(ids2[i]).isZero();
        }
    }

    @Test
    void vocabularyStartsWithTheByteSymbolsThenTheirEndOfWordForms() throws IOException {
        // The test vocabulary is laid out as CLIP's; this ties the Python bytes_to_unicode to the Java one.
        JsonNode vocab = MAPPER.readTree(resourceDir("sd1").resolve("vocab.json").toFile());
        List<String> symbols = ClipTokenizer.byteSymbolsInVocabOrder();
        assertThat(symbols).hasSize(256).doesNotHaveDuplicates();
        for (int i = 0; i < 256; i++) {
            assertThat(vocab.get(symbols.get(i)).asInt()).isEqualTo(i);
            assertThat(vocab.get(symbols.get(i) + "</w>").asInt()).isEqualTo(256 + i);
        }
    }

    @Test
    void reportsTheMissingFile() throws IOException {
        assertThatThrownBy(() -> ClipTokenizer.load(tempDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(tempDir.resolve("vocab.json").toString());
        Files.copy(resourceDir("sd1").resolve("vocab.json"), tempDir.resolve("vocab.json"));
        assertThatThrownBy(() -> ClipTokenizer.load(tempDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(tempDir.resolve("merges.txt").toString());
    }

    @Test
    void usesDefaultsWithoutConfigFilesAndMapsUnknownTokensToUnk() throws IOException {
        writeTiny("{}", null);
        ClipTokenizer tokenizer = ClipTokenizer.load(tempDir);
        assertThat(tokenizer.maxLength()).isEqualTo(77);
        assertThat(tokenizer.vocabSize()).isEqualTo(7);
        assertThat(tokenizer.bosTokenId()).isEqualTo(5);
        assertThat(tokenizer.eosTokenId()).isEqualTo(6);
        assertThat(tokenizer.padTokenId()).isEqualTo(6);
        // "ab" merges to "ab</w>"; "b" alone is "b</w>", which the tiny vocabulary lacks, so it becomes unk.
        Tokenization tokenization = tokenizer.encode("AB b a");
        assertThat(tokenization.tokenCount()).isEqualTo(5);
        assertThat(Arrays.copyOf(tokenization.ids(), 6)).containsExactly(5, 4, 6, 2, 6, 6);
    }

    @Test
    void honoursConfiguredLengthLowerCaseAndObjectTokens() throws IOException {
        writeTiny("{\"model_max_length\": 4, \"do_lower_case\": false,"
                + " \"pad_token\": {\"content\": \"a\", \"lstrip\": false}}",
                "{\"unk_token\": \"b\"}");
        ClipTokenizer tokenizer = ClipTokenizer.load(tempDir);
        assertThat(tokenizer.maxLength()).isEqualTo(4);
        assertThat(tokenizer.padTokenId()).isZero();
        // Not lower-cased: "A" keeps its own entry (id 3); "B</w>" is not in the vocabulary and maps to the
        // configured unk token "b" (id 1).
        assertThat(tokenizer.encode("A").ids()).containsExactly(5, 3, 6, 0);
        Tokenization single = tokenizer.encode("B");
        assertThat(single.ids()).containsExactly(5, 1, 6, 0);
        assertThat(single.tokenCount()).isEqualTo(3);
        assertThat(single.truncated()).isFalse();
        // Room for two tokens: "ab" (1 token) then "aa" (a, a</w>: 2 tokens) overflows in the middle of "aa".
        Tokenization cut = tokenizer.encode("ab  aa ab");
        assertThat(cut.ids()).containsExactly(5, 4, 0, 6);
        assertThat(cut.tokenCount()).isEqualTo(4);
        assertThat(cut.droppedWords()).containsExactly("aa", "ab");
        assertThat(cut.truncated()).isTrue();
    }

    @Test
    void treatsHuggingFacesUnsetLengthSentinelAsTheClipDefault() throws IOException {
        writeTiny("{\"model_max_length\": 1000000000000000019884624838656}", null);
        assertThat(ClipTokenizer.load(tempDir).maxLength()).isEqualTo(ClipTokenizer.DEFAULT_MAX_LENGTH);
    }

    @Test
    void rejectsSpecialTokensMissingFromTheVocabulary() throws IOException {
        writeTiny("{\"pad_token\": \"<pad>\"}", null);
        assertThatThrownBy(() -> ClipTokenizer.load(tempDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pad_token")
                .hasMessageContaining("<pad>");
    }

    @Test
    void encodesConcurrentlyWithTheSameResults() throws Exception {
        ClipTokenizer tokenizer = ClipTokenizer.load(resourceDir("sd1"));
        JsonNode cases = expected("sd1").get("cases");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 8; task++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (JsonNode golden : cases) {
                            int[] ids = tokenizer.encode(golden.get("text").asText()).ids();
                            if (!Arrays.equals(ids, ints(golden.get("ids")))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tokenizationsAreImmutable() {
        int[] ids = {1, 2, 3};
        List<String> dropped = new ArrayList<>(List.of("x"));
        Tokenization tokenization = new Tokenization(ids, 2, dropped);
        ids[0] = 99;
        dropped.add("y");
        tokenization.ids()[1] = 99;
        assertThat(tokenization.ids()).containsExactly(1, 2, 3);
        assertThat(tokenization.droppedWords()).containsExactly("x");
        assertThat(tokenization).isEqualTo(new Tokenization(new int[] {1, 2, 3}, 2, List.of("x")));
        assertThatThrownBy(() -> new Tokenization(new int[2], 3, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A hand-made vocabulary without the full byte alphabet (so unknown tokens can occur), with the single merge
     * "a b&lt;/w&gt;" so that the word "ab" is one token.
     */
    private void writeTiny(String tokenizerConfig, String specialTokensMap) throws IOException {
        Files.writeString(tempDir.resolve("vocab.json"),
                "{\"a\": 0, \"b\": 1, \"a</w>\": 2, \"A</w>\": 3, \"ab</w>\": 4,"
                        + " \"<|startoftext|>\": 5, \"<|endoftext|>\": 6}",
                StandardCharsets.UTF_8);
        Files.writeString(tempDir.resolve("merges.txt"), "#version: 0.2\na b</w>\n", StandardCharsets.UTF_8);
        Files.writeString(tempDir.resolve("tokenizer_config.json"), tokenizerConfig, StandardCharsets.UTF_8);
        if (specialTokensMap != null) {
            Files.writeString(tempDir.resolve("special_tokens_map.json"), specialTokensMap, StandardCharsets.UTF_8);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (Iterator<JsonNode> it = array.elements(); it.hasNext();) {
            values.add(it.next().asText());
        }
        return values;
    }
}

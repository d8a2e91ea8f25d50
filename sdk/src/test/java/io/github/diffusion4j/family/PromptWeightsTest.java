package io.github.diffusion4j.family;

import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.model.RunStats;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.TestModels;
import io.github.diffusion4j.tokenizer.ClipTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A1111's emphasis syntax (its own doctest examples), long-prompt chunking and the weights' effect on embeddings. */
class PromptWeightsTest {

    private static List<String> texts(List<PromptWeights.Fragment> fragments) {
        return fragments.stream().map(PromptWeights.Fragment::text).toList();
    }

    @Test
    void a1111DoctestExamples() {
        // modules/prompt_parser.py parse_prompt_attention's docstring
        assertThat(PromptWeights.parse("normal text")).containsExactly(new PromptWeights.Fragment("normal text", 1.0));
        assertThat(PromptWeights.parse("an (important) word")).containsExactly(new PromptWeights.Fragment("an ", 1.0),
                new PromptWeights.Fragment("important", 1.1), new PromptWeights.Fragment(" word", 1.0));
        assertThat(PromptWeights.parse("(unbalanced")).containsExactly(new PromptWeights.Fragment("unbalanced", 1.1));
        assertThat(PromptWeights.parse("\\(literal\\]")).containsExactly(new PromptWeights.Fragment("(literal]", 1.0));
        assertThat(PromptWeights.parse("(unnecessary)(parens)"))
                .containsExactly(new PromptWeights.Fragment("unnecessaryparens", 1.1));
        List<PromptWeights.Fragment> f = PromptWeights.parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).");
        assertThat(texts(f)).containsExactly("a ", "house", " ", "on", " a ", "hill", ", sun, ", "sky", ".");
        double[] expected = {1.0, 1.5730000000000004, 1.1, 1.0, 1.1, 0.55, 1.1, 1.4641000000000006, 1.1};
        for (int i = 0; i < expected.length; i++) {
            assertThat(f.get(i).weight()).as(f.get(i).text()).isCloseTo(expected[i], within(1e-12));
        }
    }

    @Test
    void breakAndEdgeCases() {
        assertThat(PromptWeights.parse("a cat BREAK a dog")).extracting(PromptWeights.Fragment::isBreak)
                .containsExactly(false, true, false);
        assertThat(PromptWeights.parse("")).containsExactly(new PromptWeights.Fragment("", 1.0));
        assertThat(PromptWeights.parse("[[low]]").get(0).weight()).isCloseTo(1 / 1.21, within(1e-12));
        assertThat(PromptWeights.parse("(a:0)").get(0).weight()).isZero();
        assertThat(PromptWeights.hasSyntax("a plain prompt, nothing special")).isFalse();
    }

    @Test
    void longPromptsAreChunkedIn75TokenWindows() {
        ClipTokenizer tokenizer = ClipTokenizer.load(TestModels.model("optimum-new").resolve("tokenizer"));
        String word = "astronaut ";
        int perWord = tokenizer.tokenize("astronaut").length;
        for (int chunks = 1; chunks <= 3; chunks++) {
            int words = (75 * chunks - 10) / perWord;
            List<PromptChunks.Chunk> out = PromptChunks.of(word.repeat(words), tokenizer, true);
            assertThat(out).as("%d words", words).hasSize(chunks);
            assertThat(out).allSatisfy(c -> {
                assertThat(c.ids()).hasSize(77);
                assertThat(c.ids()[0]).isEqualTo(tokenizer.bosTokenId());
            });
        }
        // BREAK starts a new chunk however short the first one is
        assertThat(PromptChunks.of("a cat BREAK a dog", tokenizer, true)).hasSize(2);
    }

    @Test
    void weightsChangeTheEmbeddingsAndKeepTheirMean() throws Exception {
        try (DiffusionPipeline pipeline = TestModels.pipeline("optimum-new");
             var options = new ai.onnxruntime.OrtSession.RunOptions()) {
            DiffusionModel model = pipeline.model();
            RunContext context = new RunContext(options, new RunStats());
            TextEmbeddings plain = encode(model, "a red circle", context);
            TextEmbeddings same = encode(model, "a red circle", context);
            TextEmbeddings weighted = encode(model, "a (red:1.5) circle", context);
            TextEmbeddings literal = model.conditioner().encode(new PromptText("a (red:1.5) circle", "", "", 256, 0,
                    false, true), context);
            assertThat(same.sequence()).isEqualTo(plain.sequence());
            assertThat(weighted.sequence()).isNotEqualTo(plain.sequence()).isNotEqualTo(literal.sequence());
            assertThat(mean(weighted.sequence())).isCloseTo(mean(encodeUnweightedChunk(model, context)), within(1e-5));
            // a prompt of 2 chunks: 154 tokens; the negative prompt is padded to the same length for one batch
            ClipTokenizer tokenizer = ClipTokenizer.load(TestModels.model("optimum-new").resolve("tokenizer"));
            String twoChunks = "astronaut ".repeat(100 / tokenizer.tokenize("astronaut").length);
            TextEmbeddings longOne = encode(model, twoChunks, context);
            assertThat(longOne.tokens()).isEqualTo(154);
            assertThat(pipeline.generateBlocking(GenerationRequest.builder(twoChunks).negativePrompt("blurry")
                    .size(64, 64).steps(2).seed(1L).build()).images()).hasSize(1);
        }
    }

    /** "a red circle" through the chunked path with weight 1 everywhere: the mean the emphasis restores. */
    private static float[] encodeUnweightedChunk(DiffusionModel model, RunContext context) {
        return model.conditioner().encode(new PromptText("a (red:1) circle", "", "", 256, 0, true, true), context)
                .sequence();
    }

    private static TextEmbeddings encode(DiffusionModel model, String prompt, RunContext context) {
        return model.conditioner().encode(new PromptText(prompt, "", "", 256, 0, true, true), context);
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}

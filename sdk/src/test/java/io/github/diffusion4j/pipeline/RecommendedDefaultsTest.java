package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.model.DirectTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model folder may recommend its steps and guidance ({@code _diffusion4j} in model_index.json): they are the
 * defaults when the builder sets none, and a request or the builder still overrides them.
 */
class RecommendedDefaultsTest {

    @TempDir
    Path tmp;

    @Test
    void withoutRecommendationTheDiffusersDefaultsApply() {
        try (DiffusionPipeline pipeline = TestModels.pipeline("optimum-new")) {
            assertThat(pipeline.info().defaultSteps()).isEqualTo(50);
            assertThat(pipeline.info().defaultGuidance()).isEqualTo(7.5);
        }
    }

    @Test
    void turboModelRecommendsOneStepWithoutGuidance() {
        try (DiffusionPipeline pipeline = TestModels.pipeline("sd-turbo")) {
            assertThat(pipeline.info().defaultSteps()).isEqualTo(1);
            assertThat(pipeline.info().defaultGuidance()).isEqualTo(0.0);
            GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder("a cat").seed(5L).build());
            // one step, and no unconditional half: guidance 0 skips classifier-free guidance
            assertThat(result.unetRuns()).isEqualTo(1);
            assertThat(result.image().metadata().steps()).isEqualTo(1);
            assertThat(result.image().metadata().guidanceScale()).isEqualTo(0.0);
        }
    }

    @Test
    void requestAndBuilderOverrideTheRecommendation() {
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(TestModels.model("sd-turbo"))
                .provider(ExecutionProvider.CPU).cpuThreads(1).defaultSteps(3).defaultGuidance(4.0).build()) {
            assertThat(pipeline.info().defaultSteps()).isEqualTo(3);
            assertThat(pipeline.info().defaultGuidance()).isEqualTo(4.0);
            GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder("a cat").steps(2).seed(5L).build());
            assertThat(result.image().metadata().steps()).isEqualTo(2);
            assertThat(result.image().metadata().guidanceScale()).isEqualTo(4.0);
        }
    }

    @Test
    void badRecommendationsAreNamedBeforeAnySessionOpens() throws IOException {
        int before = DirectTensor.openTensors();
        assertThatThrownBy(() -> pipelineWithIndexSection("{\"recommended_steps\": 0}"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageEndingWith("model_index.json: _diffusion4j.recommended_steps must be an integer between 1 and"
                        + " 1000, got 0");
        try (DiffusionPipeline pipeline = pipelineWithIndexSection("{\"recommended_steps\": 20.0}")) {
            assertThat(pipeline.info().defaultSteps()).as("20.0 is the JSON number 20").isEqualTo(20);
        }
        assertThatThrownBy(() -> pipelineWithIndexSection("{\"recommended_steps\": 2.5}"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("_diffusion4j.recommended_steps must be an integer between 1 and 1000, got 2.5");
        assertThatThrownBy(() -> pipelineWithIndexSection("{\"recommended_guidance_scale\": \"high\"}"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("_diffusion4j.recommended_guidance_scale must be a number between 0 and 100, got \"high\"");
        assertThatThrownBy(() -> pipelineWithIndexSection("[20, 5]"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("_diffusion4j must be an object, got [20,5]");
        assertThat(DirectTensor.openTensors()).isEqualTo(before);
    }

    /** A copy of the optimum-new tiny model whose model_index.json carries {@code "_diffusion4j": section}. */
    private DiffusionPipeline pipelineWithIndexSection(String section) throws IOException {
        Path source = TestModels.model("optimum-new");
        Path copy = Files.createTempDirectory(tmp, "model");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path index = copy.resolve("model_index.json");
        String json = Files.readString(index).trim();
        Files.writeString(index, json.substring(0, json.length() - 1) + ", \"_diffusion4j\": " + section + "}\n");
        return DiffusionPipeline.builder(copy).provider(ExecutionProvider.CPU).cpuThreads(1).build();
    }
}

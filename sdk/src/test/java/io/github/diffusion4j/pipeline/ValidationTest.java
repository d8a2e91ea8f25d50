package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.noise.NoiseSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input fails at call time with IllegalArgumentException naming the field and the allowed range. */
class ValidationTest {

    private static DiffusionPipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = DiffusionPipeline.builder(TestModels.model("optimum-new")).provider(ExecutionProvider.CPU).cpuThreads(1)
                .limits(new Limits(256, 128, 100, 4, 50)).build();
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @Test
    void requestFields() {
        assertThatThrownBy(() -> GenerationRequest.builder("x").width(100).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("width must be a positive multiple of 8, got 100");
        assertThatThrownBy(() -> GenerationRequest.builder("x").height(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("height must be a positive multiple of 8, got 0");
        assertThatThrownBy(() -> GenerationRequest.builder("x").steps(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("steps must be at least 1, got 0");
        assertThatThrownBy(() -> GenerationRequest.builder("x").guidanceScale(Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("guidanceScale must be finite and at least 0, got NaN");
        assertThatThrownBy(() -> GenerationRequest.builder("x").guidanceScale(-1.0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("guidanceScale must be finite and at least 0, got -1.0");
        assertThatThrownBy(() -> GenerationRequest.builder("x").batchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize must be at least 1, got 0");
        assertThatThrownBy(() -> GenerationRequest.builder("x").eta(2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("eta must be in [0, 1], got 2.0");
        assertThatThrownBy(() -> GenerationRequest.builder("x").guidanceRescale(1.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("guidanceRescale must be in [0, 1], got 1.5");
    }

    @Test
    void pipelineLimitsAreCheckedWhenGenerateIsCalled() {
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").width(512).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("width must be a multiple of 8 between 8 and 256, got 512");
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").height(136).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("height must be a multiple of 8 between 8 and 128, got 136");
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").steps(101).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("steps must be between 1 and 100, got 101");
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").batchSize(5).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize must be between 1 and 4, got 5");
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("y".repeat(51)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("prompt must be at most 50 characters, got 51");
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").negativePrompt("n".repeat(60)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("negativePrompt must be at most 50 characters, got 60");
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").seed(-5L).noiseSource(NoiseSource.NUMPY).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("seed must be between 0 and 4294967295 for noise source numpy, got -5");
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").initialLatents(new float[10]).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialLatents must have 256 values ([1, 4, 8, 8]), got 10");
    }

    @Test
    void unknownSchedulerListsTheValidNames() {
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").scheduler("warp-drive").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("warp-drive")
                .hasMessageContaining("ddim").hasMessageContaining("euler").hasMessageContaining("dpmpp_2m");
    }

    @Test
    void builderOptions() {
        assertThatThrownBy(() -> new Limits(0, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxWidth must be at least 1, got 0");
        assertThatThrownBy(() -> DiffusionPipeline.builder(TestModels.model("optimum-new")).cpuThreads(-1)
                .provider(ExecutionProvider.CPU).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cpuThreads must be at least 0 (0 = ONNX Runtime default), got -1");
        assertThatThrownBy(() -> ExecutionProvider.fromName("gpu"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("provider must be one of [auto, cuda, cpu], got 'gpu'");
    }
}

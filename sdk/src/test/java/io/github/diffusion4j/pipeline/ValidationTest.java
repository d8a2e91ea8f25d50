package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.noise.NoiseSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
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
                .hasMessage("width must be a multiple of 16 between 16 and 256, got 512");
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").height(144).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("height must be a multiple of 16 between 16 and 128, got 144");
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
    void sizesTheUnetCannotTakeAreRefusedUpFront() {
        // the tiny UNet has two blocks (one down-sampling): latents must halve exactly, so 8 px multiples are not enough
        assertThat(pipeline.descriptor().sizeMultiple()).isEqualTo(16);
        assertThatThrownBy(() -> pipeline.generate(GenerationRequest.builder("x").size(24, 64).build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("width must be a multiple of 16 between 16 and 256, got 24");
    }

    @Test
    void everyViolationIsReportedAtOnce() {
        GenerationRequest bad = GenerationRequest.builder("y".repeat(51)).size(40, 144).steps(101).batchSize(5)
                .scheduler("warp-drive").build();
        assertThatThrownBy(() -> pipeline.generate(bad))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("6 fields are invalid: width must be a multiple of 16");
        List<Violation> violations = pipeline.validate(bad);
        assertThat(violations).extracting(Violation::field)
                .containsExactly("width", "height", "steps", "batchSize", "prompt", "scheduler");
        assertThat(violations.get(0).value()).isEqualTo("40");
        assertThatThrownBy(() -> GenerationRequest.builder("x").steps(0).batchSize(0).eta(2).build())
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).violations()).extracting(Violation::field)
                        .containsExactly("steps", "batchSize", "eta"));
    }

    @Test
    void validationNeedsNoSessions() {
        // a descriptor published by a worker is all an API-only node has: same verdicts, nothing loaded
        ModelDescriptor published = pipeline.descriptor();
        assertThat(RequestValidator.validate(GenerationRequest.builder("x").size(32, 48).build(), published)).isEmpty();
        assertThat(RequestValidator.validate(GenerationRequest.builder("x").size(40, 48).build(), published))
                .extracting(Violation::field).containsExactly("width");
        assertThat(published.family()).isEqualTo("sd");
        assertThat(published.defaultNoise()).isEqualTo(NoiseSource.TORCH);
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

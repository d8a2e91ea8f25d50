package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.scheduler.Schedulers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any scheduler runs on any loaded model (as diffusers' {@code from_config} allows), and the same seed, scheduler and
 * noise source give bit-identical images run after run.
 */
class SchedulerSwapTest {

    private static DiffusionPipeline sd15;
    private static DiffusionPipeline sd2;

    @BeforeAll
    static void load() {
        sd15 = TestModels.pipeline("optimum-new");
        sd2 = TestModels.pipeline("sd2-v-prediction");
    }

    @AfterAll
    static void close() {
        sd15.close();
        sd2.close();
    }

    /** Every scheduler an SD model accepts: all but the flow-matching ones (diffusers' _compatibles). */
    static List<String> schedulers() {
        return Schedulers.descriptors().stream().filter(d -> !d.flowMatching()).map(d -> d.name()).toList();
    }

    @org.junit.jupiter.api.Test
    void flowMatchingSchedulersAreRefusedOnEpsilonModelsListingTheValidOnes() {
        assertThat(sd15.descriptor().schedulers()).isEqualTo(schedulers()).doesNotContain("flow_match_euler");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sd15.generate(GenerationRequest.builder("x")
                        .scheduler("flow_match_euler").build()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("scheduler 'flow_match_euler' does not apply to Stable Diffusion 1.x/2.x models;"
                        + " valid: ddim, ddpm, pndm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedulers")
    void everySchedulerOnEveryModelIsReproducible(String scheduler) {
        for (DiffusionPipeline pipeline : List.of(sd15, sd2)) {
            for (NoiseSource noise : NoiseSource.values()) {
                GenerationRequest request = GenerationRequest.builder("a green triangle").size(64, 64).steps(4)
                        .scheduler(scheduler).noiseSource(noise).seed(2024L).guidanceScale(6.0).eta(0.5).build();
                GenerationResult first = pipeline.generateBlocking(request);
                GenerationResult second = pipeline.generateBlocking(request);
                assertThat(first.image().png()).as("%s on %s with %s noise", scheduler, pipeline.info().name(), noise)
                        .isEqualTo(second.image().png());
                assertThat(first.image().metadata().scheduler()).isEqualTo(scheduler);
                assertThat(first.image().metadata().noiseSource()).isEqualTo(noise.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code steps} and {@code guidance-scale} left unset: the model folder's recommendation ({@code _diffusion4j} in
 * model_index.json; the tiny sd-turbo says 1 step, guidance 0), else the family default 50 / 7.5; set, they win.
 */
class RecommendedDefaultsConfigTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"turbo\".path", TestModels.path("sd-turbo"))
            .overrideConfigKey("quarkus.diffusion4j.\"turbo\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"tuned\".path", TestModels.path("sd-turbo"))
            .overrideConfigKey("quarkus.diffusion4j.\"tuned\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"tuned\".steps", "4")
            .overrideConfigKey("quarkus.diffusion4j.\"tuned\".guidance-scale", "2.5");

    @Inject
    DiffusionPipeline plain;

    @Inject
    @ModelName("turbo")
    DiffusionPipeline turbo;

    @Inject
    @ModelName("tuned")
    DiffusionPipeline tuned;

    @Test
    void withoutRecommendationTheExtensionDefaultsApply() {
        // the SDK's rule: no configuration, no recommendation → the SD family's diffusers default, as the SDK and CLI use
        assertThat(plain.info().defaultSteps()).isEqualTo(50);
        assertThat(plain.info().defaultGuidance()).isEqualTo(7.5);
    }

    @Test
    void theModelsRecommendationApplies() {
        assertThat(turbo.info().defaultSteps()).isEqualTo(1);
        assertThat(turbo.info().defaultGuidance()).isEqualTo(0.0);
        GenerationResult result = turbo.generateBlocking(GenerationRequest.builder("a cat").seed(1L).build());
        assertThat(result.unetRuns()).isEqualTo(1);
    }

    @Test
    void configurationWins() {
        assertThat(tuned.info().defaultSteps()).isEqualTo(4);
        assertThat(tuned.info().defaultGuidance()).isEqualTo(2.5);
    }
}

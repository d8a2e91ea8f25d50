package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class NamedModelInjectionTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"v2\".path", TestModels.path("sd2-v-prediction"))
            .overrideConfigKey("quarkus.diffusion4j.\"v2\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"v2\".steps", "3")
            .overrideConfigKey("quarkus.diffusion4j.\"v2\".scheduler", "euler");

    @Inject
    DiffusionPipeline defaultPipeline;

    @Inject
    @ModelName("v2")
    DiffusionPipeline v2;

    @Inject
    DiffusionModels models;

    @Test
    void namedModelHasItsOwnFolderAndDefaults() {
        assertThat(v2).isNotSameAs(defaultPipeline);
        assertThat(v2.info().name()).isEqualTo("v2");
        assertThat(v2.info().defaultSteps()).isEqualTo(3);
        assertThat(v2.info().defaultScheduler()).isEqualTo("euler");
        // sd2-v-prediction's native size is 96 px, the default model's 64 px
        assertThat(v2.info().defaultWidth()).isEqualTo(96);
        assertThat(defaultPipeline.info().defaultWidth()).isEqualTo(64);
        GenerationResult result = v2.generateBlocking(GenerationRequest.builder("a blue square").seed(7L).build());
        assertThat(result.image().image().getWidth()).isEqualTo(96);
    }

    @Test
    void registryListsBothModelsDefaultFirst() {
        assertThat(models.names()).containsExactly("default", "v2");
        assertThat(models.get("v2")).containsSame(v2);
    }
}

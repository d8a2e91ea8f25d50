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

import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultModelInjectionTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .setLogRecordPredicate(r -> r.getLoggerName().startsWith("io.github.diffusion4j"))
            .assertLogRecords(records -> assertThat(records).map(LogRecord::getMessage)
                    .anySatisfy(m -> assertThat(m).startsWith("Diffusion4j model '%s' loaded in %d ms on %s")));

    @Inject
    DiffusionPipeline pipeline;

    @Inject
    @ModelName("default")
    DiffusionPipeline byName;

    @Inject
    DiffusionModels models;

    @Test
    void generatesThroughTheInjectedPipeline() {
        GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder("a red circle").seed(1L).build());
        assertThat(result.image().image().getWidth()).isEqualTo(64);
        assertThat(result.image().image().getHeight()).isEqualTo(64);
        assertThat(pipeline.info().name()).isEqualTo("default");
        assertThat(pipeline.info().provider()).isEqualTo("cpu");
        assertThat(pipeline.info().defaultSteps()).isEqualTo(2);
    }

    @Test
    void registryResolvesOnlyConfiguredNames() {
        assertThat(byName).isSameAs(pipeline);
        assertThat(models.names()).containsExactly("default");
        assertThat(models.defaultName()).isEqualTo("default");
        assertThat(models.get("default")).containsSame(pipeline);
        assertThat(models.get("../optimum-new")).isEmpty();
        assertThat(models.get("optimum-new")).isEmpty();
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No model configured and nothing on the application's class path: test (and dev) mode run the scenes model that the
 * deployment module brings (Dev Services), for the default model and for a named one without a path, and say so.
 */
class DevModelDefaultTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"turbo\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.enabled", "true")
            .setLogRecordPredicate(r -> r.getLoggerName().startsWith("io.github.diffusion4j"))
            .assertLogRecords(records -> assertThat(records)
                    .filteredOn(r -> r.getLevel().intValue() == Level.INFO.intValue())
                    .map(LogRecord::getMessage)
                    .contains("No model configured for '%s': using the embedded scenes model (%s mode, Dev Services)"));

    @Inject
    DiffusionPipeline pipeline;

    @Inject
    @ModelName("turbo")
    DiffusionPipeline turbo;

    @Test
    void defaultAndNamedModelsRunTheScenesModel() {
        assertThat(pipeline.info().path().toString()).contains("diffusion4j-models").contains("scenes-");
        assertThat(turbo.info().path()).isEqualTo(pipeline.info().path());
        assertThat(pipeline.generateBlocking(GenerationRequest.builder("a house").steps(2).seed(3L).build())
                .image().image().getWidth()).isEqualTo(64);
        assertThat(turbo.generateBlocking(GenerationRequest.builder("a red circle").steps(2).seed(3L).build())
                .image().image().getWidth()).isEqualTo(64);
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/** No model configured: test (and dev) mode use the embedded scenes model from the class path and say so. */
class DevModelDefaultTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class)
                    // what io.github.diffusion4j:diffusion4j-model-scenes puts on the class path (here: tools/models/optimum-new)
                    .addAsResource(new File("src/test/resources/META-INF/diffusion4j/models/scenes"),
                            "META-INF/diffusion4j/models/scenes"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .setLogRecordPredicate(r -> r.getLoggerName().startsWith("io.github.diffusion4j"))
            .assertLogRecords(records -> assertThat(records)
                    .filteredOn(r -> r.getLevel().intValue() == Level.INFO.intValue())
                    .map(LogRecord::getMessage)
                    .contains("No model configured: using the embedded scenes model (%s mode)"));

    @Inject
    DiffusionPipeline pipeline;

    @Test
    void usesTheEmbeddedModel() {
        assertThat(pipeline.info().path().toString()).contains("diffusion4j-models");
        assertThat(pipeline.generateBlocking(GenerationRequest.builder("a house").steps(2).seed(3L).build())
                .image().image().getWidth()).isEqualTo(64);
    }
}

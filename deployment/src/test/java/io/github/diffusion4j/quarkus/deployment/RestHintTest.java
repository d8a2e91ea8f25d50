package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that configures {@code quarkus.diffusion4j.rest.*} without the REST extension (as one upgraded from
 * the version that had the HTTP API in the core) is told which extension to add.
 */
class RestHintTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.rest.root-path", "/api")
            .setLogRecordPredicate(r -> r.getLoggerName().equals(RestHintProcessor.class.getName()))
            .assertLogRecords(records -> assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(((ExtLogRecord) r).getFormattedMessage()).contains("quarkus.diffusion4j.rest.root-path")
                        .contains("io.github.diffusion4j:quarkus-diffusion4j-rest");
            }));

    @Inject
    DiffusionPipeline pipeline;

    @Test
    void theApplicationStillRunsItsPipeline() {
        assertThat(pipeline.info().name()).isEqualTo("default");
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.github.diffusion4j.quarkus.runtime.NoopGenerationObserver;
import io.github.diffusion4j.quarkus.runtime.tracing.TracingGenerationObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsOffTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.metrics.enabled", "false");

    @Inject
    GenerationObserver observer;

    @Inject
    MeterRegistry registry;

    @Test
    void noMetersAndANoopObserver() {
        // metrics never wrap the queue's streams; the observer passes them on as they are, or (OpenTelemetry is on
        // this test class path) with the submitter's trace context
        assertThat(observer).isInstanceOfAny(NoopGenerationObserver.class, TracingGenerationObserver.class);
        assertThat(registry.find("diffusion4j.queue.depth").gauge()).isNull();
        assertThat(registry.find("diffusion4j.generation.duration").timer()).isNull();
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsOnTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu");

    @Inject
    DiffusionPipeline pipeline;

    @Inject
    GenerationObserver observer;

    @Inject
    MeterRegistry registry;

    @Test
    void recordsGenerationAndStepDurationsAndQueueGauges() {
        observer.observe("default", pipeline.generate(GenerationRequest.builder("a tree").steps(3).scheduler("ddim").seed(5L).build()))
                .collect().asList().await().indefinitely();
        assertThat(registry.get("diffusion4j.generation.duration").tag("model", "default").timer().count()).isEqualTo(1);
        assertThat(registry.get("diffusion4j.step.duration").tag("model", "default").timer().count()).isEqualTo(3);
        assertThat(registry.get("diffusion4j.generation.failures").tag("model", "default").counter().count()).isZero();
        assertThat(registry.get("diffusion4j.queue.depth").gauge().value()).isZero();
        assertThat(registry.get("diffusion4j.jobs.active").gauge().value()).isZero();
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.github.diffusion4j.quarkus.runtime.devui.DiffusionJsonRpcService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generations made through the injected pipeline (no REST queue) are measured and listed in the Dev UI's jobs, once
 * each, whatever their outcome; wrapping with the observer (as the queue does) does not count them twice.
 */
class MetricsOnTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            // the Dev UI's JSON-RPC service is a bean in dev mode only: made one here to call it
            .addBuildChainCustomizer(chain -> chain.addBuildStep(context -> context.produce(
                            AdditionalBeanBuildItem.unremovableOf(DiffusionJsonRpcService.class)))
                    .produces(AdditionalBeanBuildItem.class).build())
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu");

    @Inject
    DiffusionPipeline pipeline;

    @Inject
    GenerationObserver observer;

    @Inject
    MeterRegistry registry;

    @Inject
    DiffusionJsonRpcService devUi;

    @Test
    void everyGenerationOfTheInjectedPipelineIsMeasuredAndListed() {
        GenerationRequest request = GenerationRequest.builder("a tree").steps(3).scheduler("ddim").seed(5L).build();
        pipeline.generateBlocking(request);
        pipeline.generateBlocking(request.toBuilder().seed(6L).build());
        observer.observe("default", pipeline.generate(request.toBuilder().seed(7L).build()))
                .collect().asList().await().atMost(Duration.ofSeconds(60));
        // a consumer that leaves after the first step cancels its generation
        pipeline.generate(request.toBuilder().seed(8L).build()).select().first(2).collect().asList()
                .await().atMost(Duration.ofSeconds(60));
        awaitCount("cancelled", 1);

        assertThat(timerCount("completed")).isEqualTo(3);
        assertThat(registry.get("diffusion4j.generation.duration").tag("model", "default").tag("family", "sd")
                .tag("task", "txt2img").tag("outcome", "completed").timer().count()).isEqualTo(3);
        assertThat(registry.get("diffusion4j.step.duration").tag("model", "default").timer().count()).isEqualTo(3 * 3 + 1);
        assertThat(registry.get("diffusion4j.generation.steps").tag("model", "default").counter().count()).isEqualTo(3 * 3 + 1);
        assertThat(registry.get("diffusion4j.generation.failures").tag("model", "default").counter().count()).isZero();
        assertThat(registry.get("diffusion4j.queue.depth").gauge().value()).isZero();
        assertThat(registry.get("diffusion4j.jobs.active").gauge().value()).isZero();

        List<Map<String, Object>> jobs = devUi.getRecentJobs();
        assertThat(jobs).extracting(j -> j.get("seed")).containsExactly(8L, 7L, 6L, 5L);
        assertThat(jobs).extracting(j -> j.get("state")).containsExactly("cancelled", "completed", "completed", "completed");
        assertThat(jobs.get(1).get("prompt")).isEqualTo("a tree");
        assertThat(jobs.get(1).get("model")).isEqualTo("default");
        assertThat((String) jobs.get(1).get("thumbnail")).startsWith("data:image/png;base64,");
        assertThat(((Number) jobs.get(1).get("durationMs")).longValue()).isPositive();
        assertThat(jobs.get(1).get("progress")).isEqualTo(1.0);
    }

    private double timerCount(String outcome) {
        var timer = registry.find("diffusion4j.generation.duration").tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private void awaitCount(String outcome, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (timerCount(outcome) < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(timerCount(outcome)).as(() -> registry.find("diffusion4j.generation.duration").timers().stream()
                .map(t -> t.getId() + "=" + t.count()).toList().toString()).isEqualTo(count);
    }
}

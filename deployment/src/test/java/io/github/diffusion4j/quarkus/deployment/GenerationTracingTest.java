package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.tracing.OpenTelemetryGenerationListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With quarkus-opentelemetry in the application, a generation through the injected pipeline (no REST queue) is one
 * span with its model, family, task, steps and outcome, and one child span per stage: encode, denoise, decode.
 */
class GenerationTracingTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class, InMemorySpanExporterProducer.class, FinishedSpans.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            // ended spans reach the exporter within 50 ms rather than the default 5 s
            .overrideConfigKey("quarkus.otel.bsp.schedule.delay", "50ms");

    @Inject
    DiffusionPipeline pipeline;

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void forgetEarlierSpans() {
        spans.reset();
    }

    @Test
    void aGenerationIsOneSpanWithItsStages() {
        pipeline.generateBlocking(GenerationRequest.builder("a tree").steps(3).scheduler("ddim").seed(5L).build());

        SpanData generation = awaitSpan(OpenTelemetryGenerationListener.GENERATION_SPAN);
        assertThat(generation.getAttributes().get(AttributeKey.stringKey("diffusion4j.model"))).isEqualTo("default");
        assertThat(generation.getAttributes().get(AttributeKey.stringKey("diffusion4j.family"))).isEqualTo("sd");
        assertThat(generation.getAttributes().get(AttributeKey.stringKey("diffusion4j.task"))).isEqualTo("txt2img");
        assertThat(generation.getAttributes().get(AttributeKey.stringKey("diffusion4j.outcome"))).isEqualTo("completed");
        assertThat(generation.getAttributes().get(AttributeKey.longKey("diffusion4j.steps"))).isEqualTo(3L);
        assertThat(generation.getAttributes().get(AttributeKey.longKey("diffusion4j.steps.done"))).isEqualTo(3L);
        assertThat(generation.getAttributes().get(AttributeKey.longKey("diffusion4j.seed"))).isEqualTo(5L);

        List<SpanData> stages = children(generation, 3);
        assertThat(stages).extracting(SpanData::getName).containsExactly(OpenTelemetryGenerationListener.ENCODE_SPAN,
                OpenTelemetryGenerationListener.DENOISE_SPAN, OpenTelemetryGenerationListener.DECODE_SPAN);
        // the stages follow each other inside the generation
        assertThat(stages.get(0).getStartEpochNanos()).isEqualTo(generation.getStartEpochNanos());
        for (int i = 1; i < stages.size(); i++) {
            assertThat(stages.get(i).getStartEpochNanos()).isEqualTo(stages.get(i - 1).getEndEpochNanos());
        }
        assertThat(stages.get(2).getEndEpochNanos()).isLessThanOrEqualTo(generation.getEndEpochNanos());
        assertThat(stages.get(1).getEndEpochNanos()).isGreaterThan(stages.get(1).getStartEpochNanos());
    }

    @Test
    void aCancelledGenerationEndsItsSpanInTheLoopWithoutDecoding() {
        // a consumer that leaves after the first step cancels its generation
        pipeline.generate(GenerationRequest.builder("a tree").steps(3).scheduler("ddim").seed(6L).build())
                .select().first(2).collect().asList().await().atMost(Duration.ofSeconds(60));

        SpanData generation = awaitSpan(OpenTelemetryGenerationListener.GENERATION_SPAN);
        assertThat(generation.getAttributes().get(AttributeKey.stringKey("diffusion4j.outcome"))).isEqualTo("cancelled");
        assertThat(generation.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        assertThat(children(generation, 2)).extracting(SpanData::getName).containsExactly(
                OpenTelemetryGenerationListener.ENCODE_SPAN, OpenTelemetryGenerationListener.DENOISE_SPAN);
    }

    private List<SpanData> children(SpanData parent, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<SpanData> found;
        do {
            found = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
                    .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
        } while (found.size() < expected && System.nanoTime() < deadline && pause());
        return found;
    }

    private SpanData awaitSpan(String name) {
        return FinishedSpans.await(spans, span -> span.getName().equals(name), "span " + name);
    }

    private static boolean pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }
}

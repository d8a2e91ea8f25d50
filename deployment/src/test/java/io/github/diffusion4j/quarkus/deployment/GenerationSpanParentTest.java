package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.tracing.OpenTelemetryGenerationListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generation's span is a child of the span current where it was asked for: the caller's (an HTTP request's)
 * span, although the generation runs on the pipeline's executor, and for a queued job on a queue thread after the
 * submitting call has returned.
 */
class GenerationSpanParentTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class, InMemorySpanExporterProducer.class, FinishedSpans.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.otel.bsp.schedule.delay", "50ms");

    private static final AttributeKey<Long> SEED = AttributeKey.longKey("diffusion4j.seed");

    @Inject
    DiffusionPipeline pipeline;

    @Inject
    GenerationQueue queue;

    @Inject
    Tracer tracer;

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void forgetEarlierSpans() {
        spans.reset();
    }

    @Test
    void anInjectedPipelinesGenerationIsAChildOfTheCallersSpan() {
        Span request = tracer.spanBuilder("GET /my-images").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            pipeline.generateBlocking(GenerationRequest.builder("a tree").steps(2).seed(1L).build());
        } finally {
            request.end();
        }
        SpanData generation = awaitGeneration(1L);
        assertThat(generation.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(generation.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    }

    @Test
    void aQueuedJobsGenerationIsAChildOfTheSubmittersSpan() {
        Span request = tracer.spanBuilder("POST /diffusion/v1/jobs").startSpan();
        Job job;
        try (Scope ignored = request.makeCurrent()) {
            job = queue.submit("default", GenerationRequest.builder("a tree").steps(2).seed(2L).build());
        } finally {
            request.end();
        }
        // the job runs on a queue thread, outside the submitter's scope
        assertThat(job.whenFinished().await().atMost(Duration.ofSeconds(60)).state()).isEqualTo(JobState.COMPLETED);
        SpanData generation = awaitGeneration(2L);
        assertThat(generation.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(generation.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    }

    @Test
    void withoutACallerSpanTheGenerationIsARootSpan() {
        assertThat(Span.current().getSpanContext().isValid()).as("current at start: %s on %s", Span.current(),
                Thread.currentThread()).isFalse();
        pipeline.generateBlocking(GenerationRequest.builder("a tree").steps(2).seed(3L).build());
        SpanData generation = awaitGeneration(3L);
        assertThat(generation.getParentSpanContext().isValid()).as("parent %s of %s in %s",
                generation.getParentSpanContext(), generation, spans.getFinishedSpanItems()).isFalse();
    }

    /** The generation span of the request with {@code seed} (an earlier test's span may be exported late). */
    private SpanData awaitGeneration(long seed) {
        return FinishedSpans.await(spans, span -> span.getName().equals(OpenTelemetryGenerationListener.GENERATION_SPAN)
                && Long.valueOf(seed).equals(span.getAttributes().get(SEED)), "generation span with seed " + seed);
    }
}

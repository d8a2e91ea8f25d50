package io.github.diffusion4j.quarkus.runtime.tracing;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One OpenTelemetry span per generation of every model, fed by the pipelines' listener (REST queue jobs, injected
 * pipelines, the langchain4j {@code ImageModel} and the Dev UI alike): {@value #GENERATION_SPAN} with the model,
 * family, task, steps and outcome as attributes, and one child span per stage, {@value #ENCODE_SPAN} (prompt, and
 * the init image for img2img/inpaint), {@value #DENOISE_SPAN} (the loop) and {@value #DECODE_SPAN} (VAE decoder and
 * images). Registered only when quarkus-opentelemetry is present (its tracer capability).
 * <p>
 * Why the spans are written at the end with the times the events were seen rather than opened as they go: the
 * stages are known only as the events arrive (the {@code Started} event comes after the prompt was encoded), and a
 * span opened at the subscription would have to be ended on whichever thread sees the end. The start is the time of
 * {@link #onSubscribe} (or, when that was not seen, the end minus the duration). The parent is the context current
 * where the generation was subscribed (on the caller's thread: a user's resource subscribing inside its request, or
 * a queue job started with its submitter's context, see {@link TracingGenerationObserver}), so the span sits under
 * the HTTP request that asked for the image.
 */
@Singleton
public class OpenTelemetryGenerationListener implements GenerationListener {

    public static final String GENERATION_SPAN = "diffusion4j.generation";
    public static final String ENCODE_SPAN = "diffusion4j.encode";
    public static final String DENOISE_SPAN = "diffusion4j.denoise";
    public static final String DECODE_SPAN = "diffusion4j.decode";

    static final AttributeKey<String> MODEL = AttributeKey.stringKey("diffusion4j.model");
    static final AttributeKey<String> FAMILY = AttributeKey.stringKey("diffusion4j.family");
    static final AttributeKey<String> TASK = AttributeKey.stringKey("diffusion4j.task");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("diffusion4j.outcome");
    static final AttributeKey<String> SCHEDULER = AttributeKey.stringKey("diffusion4j.scheduler");
    static final AttributeKey<Long> STEPS = AttributeKey.longKey("diffusion4j.steps");
    static final AttributeKey<Long> STEPS_DONE = AttributeKey.longKey("diffusion4j.steps.done");
    static final AttributeKey<Long> SEED = AttributeKey.longKey("diffusion4j.seed");
    static final AttributeKey<Long> WIDTH = AttributeKey.longKey("diffusion4j.width");
    static final AttributeKey<Long> HEIGHT = AttributeKey.longKey("diffusion4j.height");
    static final AttributeKey<Long> BATCH = AttributeKey.longKey("diffusion4j.batch_size");

    /** When each stage boundary was seen ({@link System#nanoTime()}), per running generation. */
    private static final class Marks {
        final Context parent;
        /** When it was subscribed ({@link System#nanoTime()}), or 0 when that was not seen. */
        final long subscribed;
        final long encoded = System.nanoTime();
        GenerationEvent.Started event;
        long lastStep;
        long completed;

        Marks(Context parent, long subscribed) {
            this.parent = parent;
            this.subscribed = subscribed;
        }
    }

    /** By identity: {@link Generation} is a record, two identical requests are equal but distinct generations. */
    private final Map<Generation, Marks> running = Collections.synchronizedMap(new IdentityHashMap<>());
    /** Where and when each generation was subscribed, until its {@code Started} event. */
    private record Subscription(Context parent, long nanos) {
    }

    private final Map<Generation, Subscription> subscribed = Collections.synchronizedMap(new IdentityHashMap<>());

    @Inject
    OpenTelemetry openTelemetry;

    private volatile Tracer tracer;

    @Override
    public void onSubscribe(Generation generation) {
        subscribed.put(generation, new Subscription(Context.current(), System.nanoTime()));
    }

    @Override
    public void onEvent(Generation generation, GenerationEvent event) {
        if (event instanceof GenerationEvent.Started started) {
            Subscription subscription = subscribed.remove(generation);
            Marks marks = subscription != null ? new Marks(subscription.parent(), subscription.nanos())
                    : new Marks(Context.current(), 0);
            marks.event = started;
            running.put(generation, marks);
            return;
        }
        Marks marks = running.get(generation);
        if (marks == null) {
            return;
        }
        if (event instanceof GenerationEvent.Step) {
            marks.lastStep = System.nanoTime();
        } else if (event instanceof GenerationEvent.Completed) {
            marks.completed = System.nanoTime();
        }
    }

    @Override
    public void onEnd(Generation generation, Outcome outcome, Duration duration, int steps, Throwable failure) {
        long endNanos = System.nanoTime();
        Instant end = Instant.now();
        Marks marks = running.remove(generation);
        // a generation that ended before its Started event (cancelled or failed while encoding) still has its parent
        Subscription early = subscribed.remove(generation);
        // the start as this listener saw the subscription: the duration is measured before the listeners before this
        // one ran their onEnd (a thumbnail, a metric), and end - duration would then start the span too late
        long startNanos = marks != null && marks.subscribed != 0 ? marks.subscribed
                : early != null ? early.nanos() : endNanos - duration.toNanos();
        Instant start = at(startNanos, end, endNanos);
        Span span = tracer().spanBuilder(GENERATION_SPAN)
                .setParent(marks != null ? marks.parent : early != null ? early.parent() : Context.current())
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(start)
                .setAttribute(MODEL, generation.model())
                .setAttribute(FAMILY, String.valueOf(generation.family()))
                .setAttribute(TASK, String.valueOf(generation.task()))
                .setAttribute(OUTCOME, outcome.name().toLowerCase(Locale.ROOT))
                .setAttribute(STEPS_DONE, (long) steps)
                .startSpan();
        if (marks != null) {
            describe(span, marks.event);
            stages(span, marks, start, end, endNanos);
        }
        if (outcome == Outcome.FAILED) {
            span.setStatus(StatusCode.ERROR, failure == null ? "failed" : String.valueOf(failure.getMessage()));
            if (failure != null) {
                span.recordException(failure);
            }
        }
        span.end(end);
    }

    private static void describe(Span span, GenerationEvent.Started started) {
        span.setAttribute(STEPS, (long) started.steps());
        span.setAttribute(SEED, started.seed());
        span.setAttribute(SCHEDULER, started.scheduler());
        span.setAttribute(WIDTH, (long) started.width());
        span.setAttribute(HEIGHT, (long) started.height());
        span.setAttribute(BATCH, (long) started.batchSize());
    }

    /**
     * The stages a generation reached: encoding until {@code Started}; denoising until the last step (or the end when
     * it stopped in the loop); decoding until {@code Completed}.
     */
    private void stages(Span parent, Marks marks, Instant start, Instant end, long endNanos) {
        Instant encoded = at(marks.encoded, end, endNanos);
        child(parent, ENCODE_SPAN, start, encoded);
        boolean decoded = marks.completed != 0;
        Instant denoised = decoded && marks.lastStep != 0 ? at(marks.lastStep, end, endNanos)
                : decoded ? encoded : end;
        child(parent, DENOISE_SPAN, encoded, denoised);
        if (decoded) {
            child(parent, DECODE_SPAN, denoised, at(marks.completed, end, endNanos));
        }
    }

    private void child(Span parent, String name, Instant from, Instant to) {
        tracer().spanBuilder(name).setParent(Context.current().with(parent)).setStartTimestamp(from)
                .startSpan().end(to.isBefore(from) ? from : to);
    }

    /** The wall-clock instant of a {@link System#nanoTime()} reading, given one pair read together. */
    private static Instant at(long nanos, Instant end, long endNanos) {
        return end.minusNanos(endNanos - nanos);
    }

    private Tracer tracer() {
        Tracer t = tracer;
        if (t == null) {
            t = openTelemetry.getTracer("io.github.diffusion4j");
            tracer = t;
        }
        return t;
    }
}

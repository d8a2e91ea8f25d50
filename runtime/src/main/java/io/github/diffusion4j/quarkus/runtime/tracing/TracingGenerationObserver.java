package io.github.diffusion4j.quarkus.runtime.tracing;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.AbstractMulti;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import jakarta.inject.Singleton;

/**
 * Carries the submitter's OpenTelemetry context to where a queued job runs. The queue calls {@link #observe} when a
 * job is submitted, on the submitting thread (inside the HTTP request); the job subscribes later on a queue thread,
 * where that request's context is gone. The returned stream makes the captured context current while it subscribes,
 * so {@link OpenTelemetryGenerationListener#onSubscribe} parents the generation's span to the request's span.
 * Replaces the default {@code NoopGenerationObserver} only when OpenTelemetry is in the application.
 */
@Singleton
public class TracingGenerationObserver implements GenerationObserver {

    @Override
    public Multi<GenerationEvent> observe(String model, Multi<GenerationEvent> events) {
        Context submitter = Context.current();
        return new AbstractMulti<>() {
            @Override
            public void subscribe(MultiSubscriber<? super GenerationEvent> subscriber) {
                try (Scope ignored = submitter.makeCurrent()) {
                    events.subscribe().withSubscriber(subscriber);
                }
            }
        };
    }
}

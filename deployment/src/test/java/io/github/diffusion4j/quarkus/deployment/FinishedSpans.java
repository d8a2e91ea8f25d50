package io.github.diffusion4j.quarkus.deployment;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Waits for ended spans: the batch processor exports them a little after they end. */
final class FinishedSpans {

    private FinishedSpans() {
    }

    /** The first finished span matching {@code wanted} within 10 s; fails naming {@code what} and the spans seen. */
    static SpanData await(InMemorySpanExporter spans, Predicate<SpanData> wanted, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (SpanData span : spans.getFinishedSpanItems()) {
                if (wanted.test(span)) {
                    return span;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no " + what + " within 10 s; spans: " + spans.getFinishedSpanItems());
    }
}

package io.github.diffusion4j.pipeline;

import io.smallrye.mutiny.Multi;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Feeds a generation's stream to the pipeline's {@link GenerationListener}s: every event, then the end once. */
final class Observation {

    private static final Logger LOG = Logger.getLogger(Observation.class);

    private Observation() {
    }

    static Multi<GenerationEvent> observe(Multi<GenerationEvent> events, List<GenerationListener> listeners,
                                          GenerationListener.Generation generation) {
        AtomicLong start = new AtomicLong();
        AtomicInteger steps = new AtomicInteger();
        AtomicBoolean ended = new AtomicBoolean();
        AtomicBoolean completed = new AtomicBoolean();
        return events
                .onSubscription().invoke(() -> {
                    start.set(System.nanoTime());
                    for (GenerationListener l : listeners) {
                        safely(() -> l.onSubscribe(generation));
                    }
                })
                .onItem().invoke(event -> {
                    if (event instanceof GenerationEvent.Step step) {
                        steps.set(step.index());
                    } else if (event instanceof GenerationEvent.Completed) {
                        completed.set(true);
                    }
                    for (GenerationListener l : listeners) {
                        safely(() -> l.onEvent(generation, event));
                    }
                })
                // onTermination sees completion, failure and cancellation alike; the flag keeps it to one call
                .onTermination().invoke((failure, cancelled) -> {
                    if (!ended.compareAndSet(false, true)) {
                        return;
                    }
                    // a Uni over the stream (generateResult) cancels it on the Completed event: that is a completion
                    GenerationListener.Outcome outcome = completed.get() ? GenerationListener.Outcome.COMPLETED
                            : cancelled ? GenerationListener.Outcome.CANCELLED
                            : failure != null ? GenerationListener.Outcome.FAILED : GenerationListener.Outcome.COMPLETED;
                    Duration duration = Duration.ofNanos(System.nanoTime() - start.get());
                    for (GenerationListener l : listeners) {
                        safely(() -> l.onEnd(generation, outcome, duration, steps.get(), failure));
                    }
                });
    }

    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "A generation listener failed: %s", e.getMessage());
        }
    }
}

package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationListener;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The one {@link GenerationListener} the extension registers on every pipeline it loads: hands each callback to the
 * application's {@link GenerationListener} beans (the extension's metrics and Dev UI history, and any of the
 * application's own). So every generation is seen, whether it runs through the REST queue, an injected pipeline or
 * the langchain4j {@code ImageModel}.
 * <p>
 * A generation whose {@code Completed} event was delivered ends as {@code COMPLETED} here even when its subscriber
 * then cancels: {@code generateResult}/{@code generateBlocking} take the result with {@code toUni()}, which cancels
 * the stream on that last item, and the SDK's observation reports such a stream as cancelled.
 * <p>
 * Why resolved on the first generation rather than at load time: the pipelines load while the container starts, and
 * a listener such as the Micrometer one depends on beans (the meter registry) that are best created after that.
 */
final class BeanGenerationListeners implements GenerationListener {

    private volatile List<GenerationListener> listeners;
    /** Generations that delivered their result and have not ended yet, by identity ({@link Generation} is a record). */
    private final Set<Generation> completed = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    @Override
    public void onSubscribe(Generation generation) {
        for (GenerationListener l : listeners()) {
            l.onSubscribe(generation);
        }
    }

    @Override
    public void onEvent(Generation generation, GenerationEvent event) {
        if (event instanceof GenerationEvent.Completed) {
            completed.add(generation);
        }
        for (GenerationListener l : listeners()) {
            l.onEvent(generation, event);
        }
    }

    @Override
    public void onEnd(Generation generation, Outcome outcome, Duration duration, int steps, Throwable failure) {
        Outcome actual = completed.remove(generation) && outcome == Outcome.CANCELLED ? Outcome.COMPLETED : outcome;
        for (GenerationListener l : listeners()) {
            l.onEnd(generation, actual, duration, steps, failure);
        }
    }

    private List<GenerationListener> listeners() {
        List<GenerationListener> resolved = listeners;
        if (resolved == null) {
            ArcContainer container = Arc.container();
            if (container == null || !container.isRunning()) {
                // the application is stopping (or not a CDI one): nothing left to tell
                return List.of();
            }
            resolved = container.select(GenerationListener.class).stream().toList();
            listeners = resolved;
        }
        return resolved;
    }
}

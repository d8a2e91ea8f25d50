package io.github.diffusion4j.quarkus.runtime.devui;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The playground's generations while they run, by the id of their row in the jobs page, so that the jobs page can
 * cancel them too: the playground's stream then ends with a {@code cancelled} item. Unsubscribing from the stream (the
 * playground's own Cancel button, or leaving the page) cancels the generation as well.
 */
final class PlaygroundRuns {

    /** Cancels a run and tells its playground. */
    private final Map<String, Runnable> running = new ConcurrentHashMap<>();

    /** Whether the row is a playground generation that is still running. */
    boolean isRunning(String jobId) {
        return jobId != null && running.containsKey(jobId);
    }

    /** Cancels the run of that row; false when there is none (any more). */
    boolean cancel(String jobId) {
        Runnable cancel = jobId == null ? null : running.remove(jobId);
        if (cancel == null) {
            return false;
        }
        cancel.run();
        return true;
    }

    /**
     * Runs one generation as the playground's stream.
     *
     * @param jobIdOf finds the jobs page's row of the generation when it starts ({@code null} when there is none);
     *                the {@code started} item carries it as {@code jobId}
     */
    Multi<Map<String, Object>> run(DiffusionPipeline pipeline, GenerationRequest request,
                                   Function<GenerationEvent.Started, String> jobIdOf) {
        return Multi.createFrom().emitter(emitter -> {
            AtomicReference<Cancellable> generation = new AtomicReference<>();
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicReference<String> jobId = new AtomicReference<>();
            Runnable cancel = () -> {
                cancelled.set(true);
                Cancellable subscription = generation.get();
                if (subscription != null) {
                    subscription.cancel();
                }
                emitter.emit(Map.of("type", "cancelled"));
                emitter.complete();
            };
            Cancellable subscription = pipeline.generate(request).subscribe().with(
                    event -> emit(emitter, event, jobIdOf, jobId, cancel),
                    failure -> {
                        emitter.emit(PlaygroundEvents.failure(failure));
                        emitter.complete();
                    },
                    emitter::complete);
            generation.set(subscription);
            if (cancelled.get()) {
                subscription.cancel();
            }
            emitter.onTermination(() -> {
                String id = jobId.get();
                if (id != null) {
                    running.remove(id);
                }
                subscription.cancel();
            });
        });
    }

    private void emit(MultiEmitter<? super Map<String, Object>> emitter, GenerationEvent event,
                      Function<GenerationEvent.Started, String> jobIdOf, AtomicReference<String> jobId,
                      Runnable cancel) {
        Map<String, Object> row = PlaygroundEvents.of(event);
        if (event instanceof GenerationEvent.Started started) {
            String id = jobIdOf.apply(started);
            if (id != null) {
                jobId.set(id);
                running.put(id, cancel);
                row.put("jobId", id);
            }
        } else if (event instanceof GenerationEvent.Completed) {
            String id = jobId.get();
            if (id != null) {
                running.remove(id);
            }
        }
        emitter.emit(row);
    }
}

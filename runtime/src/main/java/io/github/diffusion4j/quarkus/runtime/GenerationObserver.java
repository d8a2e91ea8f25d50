package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.smallrye.mutiny.Multi;

/**
 * A hook around generation streams that the queue calls for every job. Metrics no longer hang off it: every pipeline
 * the extension loads carries a {@link io.github.diffusion4j.pipeline.GenerationListener} that feeds Micrometer and
 * the Dev UI for every generation, whoever runs it, so the default bean returns the stream unchanged (wrapping must
 * not count a queue job twice).
 */
public interface GenerationObserver {

    /** {@code events}, observed under the model name {@code model}. */
    Multi<GenerationEvent> observe(String model, Multi<GenerationEvent> events);
}

package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.smallrye.mutiny.Multi;

/**
 * Hooks generation streams into metrics. The queue wraps every generation with {@link #observe}; application code
 * that calls {@code DiffusionPipeline.generate} itself may do the same. Without Micrometer this returns the stream
 * unchanged.
 */
public interface GenerationObserver {

    /** {@code events}, with their durations and failures recorded under the model name {@code model}. */
    Multi<GenerationEvent> observe(String model, Multi<GenerationEvent> events);
}

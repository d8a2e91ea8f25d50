package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Singleton;

/** Records nothing: the bean when Micrometer metrics are absent or switched off. */
@DefaultBean
@Singleton
public class NoopGenerationObserver implements GenerationObserver {

    @Override
    public Multi<GenerationEvent> observe(String model, Multi<GenerationEvent> events) {
        return events;
    }
}

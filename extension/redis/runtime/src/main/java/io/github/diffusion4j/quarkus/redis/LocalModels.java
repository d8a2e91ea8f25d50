package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import io.smallrye.mutiny.Multi;

import java.util.Optional;
import java.util.Set;

/**
 * The models this node runs, as the Redis worker needs them: names, descriptions to publish, and generations. Backed
 * by the loaded pipelines; the queue benchmark backs it with a stub generation to measure the broker alone.
 */
interface LocalModels {

    /** Names of the models held here, the default first; empty on an API-only node. */
    Set<String> names();

    /** The model used when a request names none. */
    String defaultName();

    /** What validation needs to know about a model held here. */
    Optional<ModelDescriptor> describe(String model);

    /**
     * A lazy generation of {@code request} on {@code model}.
     *
     * @throws IllegalArgumentException when the request is invalid for the model
     */
    Multi<GenerationEvent> generate(String model, GenerationRequest request);

    /** The loaded pipelines, observed for metrics. */
    static LocalModels of(DiffusionModels models, GenerationObserver observer) {
        return new LocalModels() {
            @Override
            public Set<String> names() {
                return models.names();
            }

            @Override
            public String defaultName() {
                return models.defaultName();
            }

            @Override
            public Optional<ModelDescriptor> describe(String model) {
                return models.get(model).map(p -> ModelDescriptor.of(model, p));
            }

            @Override
            public Multi<GenerationEvent> generate(String model, GenerationRequest request) {
                return observer.observe(model, models.get(model).orElseThrow(() -> new IllegalStateException(
                        "model '" + model + "' is not loaded on this worker")).generate(request));
            }
        };
    }
}

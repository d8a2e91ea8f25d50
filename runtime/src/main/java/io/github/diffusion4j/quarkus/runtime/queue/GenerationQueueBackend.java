package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;

/**
 * A queue backend other than the built-in {@code memory} one, selected by {@code quarkus.diffusion4j.queue.backend}.
 * A backend extension (such as {@code quarkus-diffusion4j-redis}) registers its implementation as a bean through the
 * {@code QueueBackendBuildItem} of the core deployment module; the core opens the one whose {@link #name()} the
 * configuration names.
 */
public interface GenerationQueueBackend {

    /** The value of {@code quarkus.diffusion4j.queue.backend} that selects this backend. */
    String name();

    /**
     * Opens the queue of this node.
     *
     * @param settings capacity, expiry and caps from the configuration
     * @param models   the models loaded here (none on an API-only node)
     * @param observer metrics hook for generations run here
     * @param clients  the client of the current request
     * @param worker   whether this node runs generations ({@code quarkus.diffusion4j.queue.worker})
     */
    GenerationQueue open(QueueSettings settings, DiffusionModels models, GenerationObserver observer, ClientKeys clients,
                         boolean worker);
}

package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.builder.item.MultiBuildItem;

/**
 * A queue backend offered by a backend extension (as quarkus-langchain4j's provider extensions offer their models
 * through build items): {@code beanClass} implements
 * {@link io.github.diffusion4j.quarkus.runtime.queue.GenerationQueueBackend} and is registered as a bean; the one whose
 * name {@code quarkus.diffusion4j.queue.backend} says is opened at start-up. The built-in {@code memory} backend needs
 * none.
 */
public final class QueueBackendBuildItem extends MultiBuildItem {

    private final String name;
    private final String beanClass;

    public QueueBackendBuildItem(String name, String beanClass) {
        this.name = name;
        this.beanClass = beanClass;
    }

    /** The value of {@code quarkus.diffusion4j.queue.backend} that selects it. */
    public String name() {
        return name;
    }

    /** The implementation's class name. */
    public String beanClass() {
        return beanClass;
    }
}

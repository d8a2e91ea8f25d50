package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.ImageMetadata;
import io.github.diffusion4j.quarkus.runtime.queue.CancelledEvent;
import io.github.diffusion4j.quarkus.runtime.queue.ClientKeys;
import io.github.diffusion4j.quarkus.runtime.queue.CompletedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueues;
import io.github.diffusion4j.quarkus.runtime.queue.QueuedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.RestartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.github.diffusion4j.quarkus.runtime.queue.TimingsData;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.nativeimage.ReflectiveClassBuildItem;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The generation queue: application code, the Dev UI and the REST extension all submit to it, so it belongs to the
 * core extension whether or not {@code quarkus-diffusion4j-rest} is present.
 */
class QueueProcessor {

    private static final Logger LOG = Logger.getLogger(QueueProcessor.class);

    /**
     * The job events and their parts: Jackson writes them through reflection (a queue backend's event codec, such as
     * the Redis one, the REST API's SSE streams), which a native image only allows for registered classes.
     */
    static final List<Class<?>> EVENT_CLASSES = List.of(QueuedEvent.class, StartedEvent.class, StepEvent.class,
            CompletedEvent.class, CompletedEvent.Image.class, FailedEvent.class, CancelledEvent.class,
            RestartedEvent.class, TimingsData.class, ImageMetadata.class);

    /**
     * The queue producer (the backend {@code quarkus.diffusion4j.queue.backend} names: the built-in memory one, or a
     * backend extension's, see {@link QueueBackendBuildItem}) and the client keys. The produced queue replaces the
     * extension's zero GenerationStats default bean.
     */
    @BuildStep
    AdditionalBeanBuildItem queue(List<QueueBackendBuildItem> backends) {
        AdditionalBeanBuildItem.Builder builder = AdditionalBeanBuildItem.builder()
                .addBeanClasses(GenerationQueues.class, ClientKeys.class)
                .setUnremovable();
        for (QueueBackendBuildItem backend : backends) {
            LOG.debugf("Diffusion4j queue backend available: %s (%s)", backend.name(), backend.beanClass());
            builder.addBeanClass(backend.beanClass());
        }
        return builder.build();
    }

    @BuildStep
    ReflectiveClassBuildItem eventReflection() {
        return ReflectiveClassBuildItem.builder(EVENT_CLASSES.toArray(Class<?>[]::new))
                .methods().fields().constructors().build();
    }
}

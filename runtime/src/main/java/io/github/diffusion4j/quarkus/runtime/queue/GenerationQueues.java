package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Produces the {@link GenerationQueue} bean of the backend {@code quarkus.diffusion4j.queue.backend} names. */
@Singleton
public class GenerationQueues {

    private static final Logger LOG = Logger.getLogger(GenerationQueues.class);
    static final String BACKEND = "quarkus.diffusion4j.queue.backend";
    static final String WORKER = "quarkus.diffusion4j.queue.worker";

    @Produces
    @Singleton
    GenerationQueue queue(DiffusionRuntimeConfig config, DiffusionModels models, GenerationObserver observer,
                          ClientKeys clients, @Any Instance<GenerationQueueBackend> backends) {
        QueueSettings settings = settings(config);
        String name = config.queue().backend().trim().toLowerCase(Locale.ROOT);
        boolean worker = config.queue().worker();
        if (name.equals("memory")) {
            if (!worker) {
                throw new ConfigurationException(WORKER + "=false (an API-only node) needs a shared backend such as "
                        + BACKEND + "=redis: with the memory backend nothing would run the jobs", Set.of(WORKER, BACKEND));
            }
            return new MemoryGenerationQueue(settings, models, observer, clients);
        }
        List<String> known = new ArrayList<>(List.of("memory"));
        for (GenerationQueueBackend backend : backends) {
            if (backend.name().equals(name)) {
                LOG.infof("Diffusion4j queue backend: %s (%s)", name, worker ? "worker and API node" : "API-only node");
                return backend.open(settings, models, observer, clients, worker);
            }
            known.add(backend.name());
        }
        String hint = name.equals("redis") ? "; add the io.github.diffusion4j:quarkus-diffusion4j-redis extension" : "";
        throw new ConfigurationException(BACKEND + "=" + config.queue().backend() + " is not available; available: "
                + known + hint, Set.of(BACKEND));
    }

    void close(@Disposes GenerationQueue queue) {
        queue.close();
    }

    /** The queue settings of the configuration. */
    public static QueueSettings settings(DiffusionRuntimeConfig config) {
        return new QueueSettings(config.queue().capacity(), config.queue().concurrency(), config.jobs().expireAfter(),
                config.jobs().historySize(), config.queue().maxJobsPerClient(),
                config.jobs().maxFinishedBytes().asLongValue());
    }
}

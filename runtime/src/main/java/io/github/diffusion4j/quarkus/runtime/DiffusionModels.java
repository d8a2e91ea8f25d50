package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import org.jboss.logging.Logger;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured models by name: what the REST API and the generation queue resolve request model names against.
 * Only configured names resolve, so a name from a request never reaches the file system.
 * <p>
 * Owns the pipelines: they are loaded when the application starts and closed when it stops.
 */
public final class DiffusionModels implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DiffusionModels.class);

    private final Map<String, DiffusionPipeline> pipelines;
    private final String defaultName;
    private volatile boolean closed;

    public DiffusionModels(Map<String, DiffusionPipeline> pipelines, String defaultName) {
        this.pipelines = Collections.unmodifiableMap(new LinkedHashMap<>(pipelines));
        this.defaultName = defaultName;
    }

    /** The pipeline of a configured model; empty for any other name. */
    public Optional<DiffusionPipeline> get(String name) {
        if (name == null || closed) {
            return Optional.empty();
        }
        return Optional.ofNullable(pipelines.get(name));
    }

    /** The pipeline used when a request names no model. */
    public DiffusionPipeline getDefault() {
        return get(defaultName).orElseThrow(() -> new IllegalStateException(closed ? "Diffusion4j models are closed"
                : "No default model"));
    }

    /** Names of the configured models, the default first. */
    public Set<String> names() {
        return pipelines.keySet();
    }

    /** Name of the model used when a request names none: {@code default}, or the first named model when there is no default one. */
    public String defaultName() {
        return defaultName;
    }

    /** Whether {@link #close()} was called (the application is stopping). */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Map.Entry<String, DiffusionPipeline> e : pipelines.entrySet()) {
            try {
                e.getValue().close();
            } catch (RuntimeException failure) {
                LOG.warnf(failure, "Closing model '%s' failed", e.getKey());
            }
        }
    }
}

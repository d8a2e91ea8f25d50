package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.quarkus.runtime.DiffusionModels;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models a request can name, with what validating a request against one needs ({@link ModelDescriptor}). An
 * API-only node has no pipeline: its catalog is what the workers publish. Only known names resolve, so a name from a
 * request never reaches the file system.
 */
public interface ModelCatalog {

    /** The model with this name; empty for any other name. */
    Optional<ModelDescriptor> get(String name);

    /** Known model names, the default first. */
    Set<String> names();

    /** The model used when a request names none. */
    String defaultName();

    /** The catalog of the pipelines loaded in this JVM. */
    static ModelCatalog local(DiffusionModels models) {
        return new ModelCatalog() {
            @Override
            public Optional<ModelDescriptor> get(String name) {
                return models.get(name).map(p -> ModelDescriptor.of(name, p));
            }

            @Override
            public Set<String> names() {
                return models.names();
            }

            @Override
            public String defaultName() {
                return models.defaultName();
            }
        };
    }

    /** A fixed catalog (models published by workers, read once). */
    static ModelCatalog of(Map<String, ModelDescriptor> models, String defaultName) {
        Map<String, ModelDescriptor> copy = new LinkedHashMap<>(models);
        return new ModelCatalog() {
            @Override
            public Optional<ModelDescriptor> get(String name) {
                return name == null ? Optional.empty() : Optional.ofNullable(copy.get(name));
            }

            @Override
            public Set<String> names() {
                return copy.keySet();
            }

            @Override
            public String defaultName() {
                return defaultName;
            }
        };
    }
}

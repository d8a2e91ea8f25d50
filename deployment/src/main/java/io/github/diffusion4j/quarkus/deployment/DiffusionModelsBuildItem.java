package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.ModelSpec;
import io.quarkus.builder.item.SimpleBuildItem;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The models this application has, as decided from the build-time configuration; the default model first. */
public final class DiffusionModelsBuildItem extends SimpleBuildItem {

    private final List<ModelSpec> models;
    private final String defaultName;
    private final Map<String, Path> embedSources;

    public DiffusionModelsBuildItem(List<ModelSpec> models, String defaultName, Map<String, Path> embedSources) {
        this.models = List.copyOf(models);
        this.defaultName = defaultName;
        this.embedSources = Map.copyOf(embedSources);
    }

    /** Build-machine folder of each model with {@code embed=true}, by model name. */
    public Map<String, Path> embedSources() {
        return embedSources;
    }

    public List<ModelSpec> models() {
        return models;
    }

    /** Name used when a request names no model; {@code null} when there is no model at all. */
    public String defaultName() {
        return defaultName;
    }
}

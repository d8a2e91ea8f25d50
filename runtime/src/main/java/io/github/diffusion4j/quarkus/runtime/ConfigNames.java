package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;

import java.util.Set;

/** Property names as users write them, for error messages that say exactly what to fix. */
public final class ConfigNames {

    public static final String PREFIX = "quarkus.diffusion4j.";
    /** Public name of the default model. */
    public static final String DEFAULT_NAME = "default";
    /**
     * Names that are configuration groups, not models: {@code quarkus.diffusion4j.rest.enabled} must not be read as
     * the property {@code enabled} of a model called {@code rest}.
     */
    public static final Set<String> RESERVED = Set.of("devservices", "rest", "health", "metrics", "native", "queue", "jobs",
            "limits", DEFAULT_NAME);

    private ConfigNames() {
    }

    /** {@code quarkus.diffusion4j.path} for the default model, {@code quarkus.diffusion4j."anime".path} for a named one. */
    public static String property(String configKey, String key) {
        if (DiffusionBuildTimeConfig.DEFAULT_MODEL.equals(configKey)) {
            return PREFIX + key;
        }
        return PREFIX + "\"" + configKey + "\"." + key;
    }

    /** Public model name for a config map key. */
    public static String modelName(String configKey) {
        return DiffusionBuildTimeConfig.DEFAULT_MODEL.equals(configKey) ? DEFAULT_NAME : configKey;
    }
}

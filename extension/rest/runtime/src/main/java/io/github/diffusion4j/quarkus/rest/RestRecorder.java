package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.quarkus.rest.config.RestRuntimeConfig;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.runtime.configuration.ConfigurationException;

import java.util.Set;

/** Hands build-time REST settings to the runtime and checks the run-time ones at start-up. */
@Recorder
public class RestRecorder {

    private final RuntimeValue<RestRuntimeConfig> config;

    public RestRecorder(RuntimeValue<RestRuntimeConfig> config) {
        this.config = config;
    }

    /** Where the API lives, so that routing errors under it become problem documents (see {@link RoutingProblems}). */
    public void paths(String apiPath) {
        RoutingProblems.configure(apiPath);
    }

    /** Fails start-up with a message naming the REST property that is out of range. */
    public void validateConfig() {
        long maxBodySize = config.getValue().maxBodySize().asLongValue();
        if (maxBodySize < 1) {
            throw new ConfigurationException(
                    "quarkus.diffusion4j.rest.max-body-size must be at least 1 byte, got " + maxBodySize,
                    Set.of("quarkus.diffusion4j.rest.max-body-size"));
        }
    }
}

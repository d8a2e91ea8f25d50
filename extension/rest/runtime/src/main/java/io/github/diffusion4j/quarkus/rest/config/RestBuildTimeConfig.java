package io.github.diffusion4j.quarkus.rest.config;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Build-time configuration of the Diffusion4j REST API: whether its resources are compiled into the application, and
 * where they are rooted. The property names are those of the core extension before the REST API became its own
 * extension, so existing {@code application.properties} keep working.
 */
@ConfigRoot(phase = ConfigPhase.BUILD_TIME)
@ConfigMapping(prefix = "quarkus.diffusion4j.rest")
public interface RestBuildTimeConfig {

    /** Whether the REST endpoints ({@code /v1/images}, {@code /v1/jobs}, ...) are part of the application. */
    @WithDefault("true")
    boolean enabled();

    /** Path the REST endpoints are rooted at, e.g. {@code /diffusion/v1/images}. */
    @WithDefault("/diffusion")
    String rootPath();
}

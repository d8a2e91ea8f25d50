package io.github.diffusion4j.quarkus.runtime.health;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.Optional;

/**
 * Ready when every configured model is loaded; the data give each model's execution provider in use (for example
 * {@code cpu} when {@code auto} fell back from CUDA). Registered only when quarkus-smallrye-health is present.
 */
@Readiness
@ApplicationScoped
public class DiffusionReadinessCheck implements HealthCheck {

    @Inject
    DiffusionModels models;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("Diffusion4j models").up();
        if (models.isClosed()) {
            return builder.down().withData("error", "models are closed (the application is stopping)").build();
        }
        for (String name : models.names()) {
            Optional<DiffusionPipeline> pipeline = models.get(name);
            if (pipeline.isPresent()) {
                builder.withData(name, "loaded, " + pipeline.get().info().provider());
            } else {
                builder.withData(name, "not loaded").down();
            }
        }
        return builder.build();
    }
}

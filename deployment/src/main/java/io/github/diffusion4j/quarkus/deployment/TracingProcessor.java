package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.tracing.OpenTelemetryGenerationListener;
import io.github.diffusion4j.quarkus.runtime.tracing.TracingGenerationObserver;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;

/**
 * OpenTelemetry spans of every generation, only when quarkus-opentelemetry is in the application: it provides the
 * {@code io.quarkus.opentelemetry.tracer} capability, and the class check keeps the bean (which references the
 * OpenTelemetry API) out of applications that have the capability from another extension without the API.
 */
class TracingProcessor {

    @BuildStep
    void tracing(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (capabilities.isPresent(Capability.OPENTELEMETRY_TRACER)
                && QuarkusClassLoader.isClassPresentAtRuntime("io.opentelemetry.api.OpenTelemetry")) {
            beans.produce(AdditionalBeanBuildItem.builder()
                    // the observer carries a queued job's submitter context to the queue thread that runs it
                    .addBeanClasses(OpenTelemetryGenerationListener.class, TracingGenerationObserver.class)
                    .setUnremovable()
                    .build());
        }
    }
}

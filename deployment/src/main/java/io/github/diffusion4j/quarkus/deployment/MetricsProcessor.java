package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.metrics.DiffusionMeterBinder;
import io.github.diffusion4j.quarkus.runtime.metrics.MicrometerGenerationListener;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.bootstrap.classloading.QuarkusClassLoader;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;

/**
 * Micrometer meters, only when quarkus-micrometer is on the class path (the beans reference its API): it provides the
 * {@code io.quarkus.metrics} capability, and the class check keeps out other metrics extensions. The listener
 * measures every generation of every pipeline; the binder adds the queue gauges.
 */
class MetricsProcessor {

    @BuildStep
    void meters(Capabilities capabilities, DiffusionBuildTimeConfig config, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (config.metrics().enabled() && capabilities.isPresent(Capability.METRICS)
                && QuarkusClassLoader.isClassPresentAtRuntime("io.micrometer.core.instrument.MeterRegistry")) {
            beans.produce(AdditionalBeanBuildItem.builder()
                    .addBeanClasses(MicrometerGenerationListener.class, DiffusionMeterBinder.class)
                    .setUnremovable()
                    .build());
        }
    }
}

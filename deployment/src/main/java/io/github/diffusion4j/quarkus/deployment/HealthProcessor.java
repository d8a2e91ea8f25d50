package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.health.DiffusionReadinessCheck;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;

/** The readiness check, only when quarkus-smallrye-health is on the class path (its API classes exist only then). */
class HealthProcessor {

    @BuildStep
    void readiness(Capabilities capabilities, DiffusionBuildTimeConfig config, BuildProducer<AdditionalBeanBuildItem> beans) {
        if (config.health().enabled() && capabilities.isPresent(Capability.SMALLRYE_HEALTH)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(DiffusionReadinessCheck.class));
        }
    }
}

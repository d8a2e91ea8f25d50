package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.Produce;
import io.quarkus.deployment.builditem.ServiceStartBuildItem;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Says what to add when an application configures the REST API without its extension: the HTTP API left the core
 * extension for {@code quarkus-diffusion4j-rest}, and an application upgraded with its {@code quarkus.diffusion4j.rest.*}
 * settings would otherwise only get Quarkus' "unrecognized configuration key" warning and no endpoints.
 */
class RestHintProcessor {

    private static final Logger LOG = Logger.getLogger(RestHintProcessor.class);
    static final String REST_CAPABILITY = "io.github.diffusion4j.rest";
    static final String PREFIX = "quarkus.diffusion4j.rest.";

    // Produces the start item only to be run: the hint is a side effect of the build.
    @BuildStep
    @Produce(ServiceStartBuildItem.class)
    void hintAtTheRestExtension(Capabilities capabilities) {
        if (capabilities.isPresent(REST_CAPABILITY)) {
            return;
        }
        for (String name : ConfigProvider.getConfig().getPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                LOG.warnf("%s is set but the Diffusion4j REST API is not in this application: add the extension "
                        + "io.github.diffusion4j:quarkus-diffusion4j-rest (the HTTP endpoints are a separate extension)",
                        name);
                return;
            }
        }
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.devui.DiffusionJsonRpcService;
import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;
import io.quarkus.vertx.http.deployment.HttpRootPathBuildItem;

/** The Dev UI card: models, recent jobs and a playground that calls the REST API. Dev mode only. */
@BuildSteps(onlyIf = IsLocalDevelopment.class)
class DevUIProcessor {

    @BuildStep
    CardPageBuildItem card(DiffusionModelsBuildItem models, DiffusionBuildTimeConfig config, HttpRootPathBuildItem httpRoot) {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addBuildTimeData("defaultModel", models.defaultName() == null ? "" : models.defaultName());
        card.addBuildTimeData("restEnabled", config.rest().enabled());
        // the playground posts to the REST API, which lives under the application's HTTP root
        card.addBuildTimeData("imagesPath", httpRoot.resolvePath(trimSlash(config.rest().rootPath()) + "/v1/images"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Models")
                .icon("font-awesome-solid:cubes")
                .componentLink("qwc-diffusion4j-models.js")
                .staticLabel(String.valueOf(models.models().size())));
        card.addPage(Page.webComponentPageBuilder()
                .title("Recent jobs")
                .icon("font-awesome-solid:list-check")
                .componentLink("qwc-diffusion4j-jobs.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Playground")
                .icon("font-awesome-solid:palette")
                .componentLink("qwc-diffusion4j-playground.js"));
        return card;
    }

    @BuildStep
    JsonRPCProvidersBuildItem jsonRpc() {
        return new JsonRPCProvidersBuildItem(DiffusionJsonRpcService.class);
    }

    private static String trimSlash(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}

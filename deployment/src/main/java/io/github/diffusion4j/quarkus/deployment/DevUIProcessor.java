package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.devui.DiffusionJsonRpcService;
import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.BuildSteps;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/**
 * The Dev UI card (dev mode only): models, the live jobs page and the streaming playground, all over the Dev UI's
 * JSON-RPC (so they work with the REST API switched off). The card's guide link comes from the extension's metadata
 * ({@code guide} in quarkus-extension.yaml). No logo: Quarkus 3.33's Dev UI serves an extension's {@code dev-ui/}
 * folder for its JavaScript pages only (an SVG there answers with the Dev UI's HTML page, checked in dev mode).
 */
@BuildSteps(onlyIf = IsLocalDevelopment.class)
class DevUIProcessor {

    @BuildStep
    CardPageBuildItem card(DiffusionModelsBuildItem models) {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addBuildTimeData("defaultModel", models.defaultName() == null ? "" : models.defaultName());
        card.addPage(Page.webComponentPageBuilder()
                .title("Playground")
                .icon("font-awesome-solid:palette")
                .componentLink("qwc-diffusion4j-playground.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Recent jobs")
                .icon("font-awesome-solid:list-check")
                .componentLink("qwc-diffusion4j-jobs.js"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Models")
                .icon("font-awesome-solid:cubes")
                .componentLink("qwc-diffusion4j-models.js")
                .staticLabel(String.valueOf(models.models().size())));
        return card;
    }

    @BuildStep
    JsonRPCProvidersBuildItem jsonRpc() {
        return new JsonRPCProvidersBuildItem(DiffusionJsonRpcService.class);
    }
}

package io.github.diffusion4j.quarkus.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

import java.util.ArrayList;
import java.util.stream.Collectors;

/**
 * Leaves the OpenAI-compatible paths (and their tag) out of the OpenAPI document when
 * {@code quarkus.diffusion4j.rest.openai.enabled} is off. The switch is read at run time, so the filter runs at start-up, not at build time. Instantiated by
 * SmallRye OpenAPI (not a bean): it reads the key from the configuration directly.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_STARTUP)
public class OpenAiDocumentFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        boolean enabled = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.diffusion4j.rest.openai.enabled", Boolean.class).orElse(false);
        if (!enabled && openAPI.getPaths() != null) {
            openAPI.getPaths().removePathItem(OpenAiErrors.PATH);
            openAPI.getPaths().removePathItem(OpenAiErrors.EDITS_PATH);
            if (openAPI.getTags() != null) {
                openAPI.setTags(openAPI.getTags().stream().filter(tag -> !ApiTags.OPENAI.equals(tag.getName()))
                        .collect(Collectors.toCollection(ArrayList::new)));
            }
        }
    }
}

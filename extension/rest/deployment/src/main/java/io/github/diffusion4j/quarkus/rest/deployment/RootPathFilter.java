package io.github.diffusion4j.quarkus.rest.deployment;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;

import java.util.LinkedHashMap;
import java.util.Map;

/** Renames documented paths from the compiled root to the configured one. */
final class RootPathFilter implements OASFilter {
    private final String from;
    private final String to;

    RootPathFilter(String from, String to) {
        this.from = from;
        this.to = to;
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Paths paths = openAPI.getPaths();
        if (paths == null || paths.getPathItems() == null) {
            return;
        }
        Map<String, PathItem> renamed = new LinkedHashMap<>();
        for (Map.Entry<String, PathItem> e : paths.getPathItems().entrySet()) {
            String key = e.getKey();
            if (key.equals(from) || key.startsWith(from + "/")) {
                renamed.put(to + key.substring(from.length()), e.getValue());
            } else {
                renamed.put(key, e.getValue());
            }
        }
        paths.setPathItems(renamed);
    }
}

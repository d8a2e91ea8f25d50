package io.github.diffusion4j.quarkus.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * Answer of {@code GET /v1/schedulers}.
 *
 * @param schedulers names accepted as {@code scheduler}
 * @param defaults   per model, the scheduler used when a request names none
 */
@Schema(name = "Schedulers")
public record SchedulersResponse(@Schema(example = "[\"ddim\", \"euler\", \"pndm\"]") List<String> schedulers,
                                 Map<String, String> defaults) {
}

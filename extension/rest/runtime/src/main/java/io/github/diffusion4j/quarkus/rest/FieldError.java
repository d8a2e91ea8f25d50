package io.github.diffusion4j.quarkus.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One invalid field of a request.
 *
 * @param field   JSON field name (a dotted path for nested fields)
 * @param message what is wrong and the allowed range or values
 */
@Schema(name = "FieldError")
public record FieldError(@Schema(example = "width") String field,
                         @Schema(example = "must be a multiple of 8 between 8 and 1024, got 1000000") String message) {
}

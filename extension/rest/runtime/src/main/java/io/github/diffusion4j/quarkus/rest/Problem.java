package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}), with {@code errors} naming each invalid field.
 *
 * @param type     problem type URI
 * @param title    short, human-readable summary of the problem type
 * @param status   HTTP status
 * @param detail   what went wrong in this request
 * @param instance the request path
 * @param errors   one entry per invalid field (validation problems only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem detail (application/problem+json).")
public record Problem(@Schema(example = "urn:diffusion4j:problem:invalid-request") String type,
                      @Schema(example = "Invalid request") String title,
                      @Schema(example = "400") int status,
                      @Schema(example = "2 fields are invalid: width, steps") String detail,
                      @Schema(example = "/diffusion/v1/images") String instance,
                      List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}

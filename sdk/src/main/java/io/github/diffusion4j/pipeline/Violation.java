package io.github.diffusion4j.pipeline;

/**
 * One invalid field of a request.
 *
 * @param field   the request field, as named in {@link GenerationRequest} (e.g. {@code width})
 * @param value   the rejected value, as text
 * @param message the full sentence, naming the field and the allowed range ("width must be a multiple of 64
 *                between 64 and 2048, got 100")
 */
public record Violation(String field, String value, String message) {
}

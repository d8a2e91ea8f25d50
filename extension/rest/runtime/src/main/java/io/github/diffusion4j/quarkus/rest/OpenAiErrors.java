package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Errors of the OpenAI-compatible endpoints in OpenAI's own shape, {@code {"error": {"message", "type", "param",
 * "code"}}} as {@code application/json}, which the OpenAI SDKs read: their exceptions then carry our message and
 * the offending field instead of "400 status code (no body)". Built from the same {@link Problem} as the native API's
 * RFC 9457 documents, so both say the same thing.
 */
public final class OpenAiErrors {

    /** The path of the OpenAI-compatible endpoint. */
    public static final String PATH = "/v1/images/generations";
    /** The path of the OpenAI-compatible image edits. */
    public static final String EDITS_PATH = "/v1/images/edits";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiErrors() {
    }

    /** Whether a request path belongs to the OpenAI-compatible endpoint. */
    static boolean applies(String path) {
        return under(path, PATH) || under(path, EDITS_PATH);
    }

    private static boolean under(String path, String root) {
        return path != null && (path.equals(root) || path.startsWith(root + "/") || path.startsWith(root + "?"));
    }

    /** The OpenAI error response for {@code problem} (same status). */
    static Response response(Problem problem) {
        return Response.status(problem.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body(problem)).build();
    }

    /** The JSON text {@code {"error": {...}}} for {@code problem}: also the data of a stream's {@code error} event. */
    static String body(Problem problem) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message(problem));
        error.put("type", problem.status() >= 500 ? "server_error" : "invalid_request_error");
        error.put("param", param(problem.errors()));
        error.put("code", code(problem));
        try {
            return MAPPER.writeValueAsString(Map.of("error", error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an error object", e);
        }
    }

    /** Every invalid field with its reason: the SDKs show only {@code message}, so it must say it all. */
    private static String message(Problem problem) {
        List<FieldError> errors = problem.errors();
        if (errors == null || errors.isEmpty()) {
            return problem.detail() != null ? problem.detail() : problem.title();
        }
        StringBuilder sb = new StringBuilder();
        for (FieldError e : errors) {
            sb.append(sb.isEmpty() ? "" : "; ").append(e.field()).append(' ').append(e.message());
        }
        return sb.toString();
    }

    private static String param(List<FieldError> errors) {
        if (errors == null || errors.isEmpty()) {
            return null;
        }
        String field = errors.get(0).field();
        return field.equals("body") ? null : field;
    }

    private static String code(Problem problem) {
        String type = problem.type() == null ? "" : problem.type();
        return switch (type) {
            case Problems.TYPE_INVALID_REQUEST -> problem.errors() != null && !problem.errors().isEmpty()
                    && problem.errors().get(0).message().startsWith("unknown field") ? "unknown_parameter" : "invalid_value";
            case Problems.TYPE_MALFORMED_JSON -> "invalid_json";
            case Problems.TYPE_BODY_TOO_LARGE -> "request_too_large";
            case Problems.TYPE_QUEUE_FULL -> "queue_full";
            case Problems.TYPE_JOB_CANCELLED -> "cancelled";
            case Problems.TYPE_REQUEST_TIMEOUT -> "request_timeout";
            case Problems.TYPE_UNSUPPORTED_MEDIA_TYPE -> "unsupported_media_type";
            default -> null;
        };
    }
}

package io.github.diffusion4j.quarkus.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.github.diffusion4j.quarkus.runtime.queue.ClientLimitException;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.QueueFullException;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns every exception of the Diffusion4j endpoints into an RFC 9457 problem response, so that no bad input ever
 * yields a 500: validation (400 naming each field), malformed JSON (400 naming the field and expected type), unknown
 * job (404), wrong method / media type (405 / 406 / 415), body too large (413), queue full (503 with
 * {@code Retry-After}).
 */
public final class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);

    public static final String TYPE_INVALID_REQUEST = "urn:diffusion4j:problem:invalid-request";
    public static final String TYPE_MALFORMED_JSON = "urn:diffusion4j:problem:malformed-json";
    public static final String TYPE_JOB_NOT_FOUND = "urn:diffusion4j:problem:job-not-found";
    public static final String TYPE_JOB_NOT_FINISHED = "urn:diffusion4j:problem:job-not-finished";
    public static final String TYPE_JOB_CANCELLED = "urn:diffusion4j:problem:job-cancelled";
    public static final String TYPE_BODY_TOO_LARGE = "urn:diffusion4j:problem:body-too-large";
    public static final String TYPE_QUEUE_FULL = "urn:diffusion4j:problem:queue-full";
    public static final String TYPE_CLIENT_LIMIT = "urn:diffusion4j:problem:client-limit";
    public static final String TYPE_INTERNAL = "urn:diffusion4j:problem:internal-error";

    /** Problems are small: serialised with a private mapper, independent of the application's Jackson settings. */
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SDK_FIELD = Pattern.compile("^([a-zA-Z]+) ");
    private static final int MAX_ECHO = 80;

    private Problems() {
    }

    /** Queues a checked request; the SDK's own validation failures become {@link InvalidRequestException}s. */
    static Job submit(GenerationQueue queue, ImageRequests.Resolved resolved, SubmitOptions options) {
        try {
            return queue.submit(resolved.model(), resolved.request(), options);
        } catch (io.github.diffusion4j.pipeline.InvalidRequestException e) {
            throw new InvalidRequestException(fieldErrors(e));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() != null ? e.getMessage() : "invalid value";
            Matcher m = SDK_FIELD.matcher(message);
            String field = m.find() ? m.group(1) : "request";
            String rest = field.equals("request") ? message : message.substring(field.length() + 1);
            throw new InvalidRequestException(field, rest);
        }
    }

    /** The SDK's violations as REST field errors; its {@code initImage} is the REST request's {@code image}. */
    static List<FieldError> fieldErrors(io.github.diffusion4j.pipeline.InvalidRequestException e) {
        List<FieldError> errors = new java.util.ArrayList<>();
        for (io.github.diffusion4j.pipeline.Violation v : e.violations()) {
            String field = v.field().equals("initImage") ? "image" : v.field();
            String message = v.message().startsWith(v.field() + " ")
                    ? v.message().substring(v.field().length() + 1) : v.message();
            errors.add(new FieldError(field, message));
        }
        return errors;
    }

    /** The problem response for {@code failure} on request path {@code instance}. */
    public static Response toResponse(Throwable failure, String instance) {
        if (failure instanceof InvalidRequestException e) {
            return response(new Problem(TYPE_INVALID_REQUEST, "Invalid request", 400, e.getMessage(), instance, e.errors()));
        }
        if (failure instanceof ApiException e) {
            return response(new Problem(e.type(), e.title(), e.status(), e.getMessage(), instance, null));
        }
        if (failure instanceof QueueFullException e) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            return Response.fromResponse(response(new Problem(TYPE_QUEUE_FULL, "Queue full", 503, e.getMessage(),
                    instance, null))).header("Retry-After", seconds).build();
        }
        if (failure instanceof ClientLimitException e) {
            long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
            return Response.fromResponse(response(new Problem(TYPE_CLIENT_LIMIT, "Too many jobs", 429, e.getMessage(),
                    instance, null))).header("Retry-After", seconds).build();
        }
        if (failure instanceof IllegalArgumentException e) {
            // From the SDK's own validation: the message starts with the field name.
            String message = e.getMessage() != null ? e.getMessage() : "invalid value";
            Matcher m = SDK_FIELD.matcher(message);
            String field = m.find() ? m.group(1) : "request";
            String rest = field.equals("request") ? message : message.substring(field.length() + 1);
            return response(new Problem(TYPE_INVALID_REQUEST, "Invalid request", 400, message, instance,
                    List.of(new FieldError(field, rest))));
        }
        if (failure instanceof MalformedJsonException e) {
            return response(json(e.jackson(), instance));
        }
        if (failure instanceof JsonProcessingException e) {
            return response(json(e, instance));
        }
        if (failure instanceof WebApplicationException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonProcessingException json) {
                return response(json(json, instance));
            }
            int status = e.getResponse() != null ? e.getResponse().getStatus() : 500;
            Response.Status s = Response.Status.fromStatusCode(status);
            String title = s != null ? s.getReasonPhrase() : "HTTP " + status;
            String detail = e.getMessage() != null ? e.getMessage() : title;
            Response.ResponseBuilder b = Response.fromResponse(response(new Problem("about:blank", title, status,
                    detail, instance, null)));
            if (status == 405 && e.getResponse() != null && e.getResponse().getHeaderString("Allow") != null) {
                b.header("Allow", e.getResponse().getHeaderString("Allow"));
            }
            return b.build();
        }
        if (unreadableBody(failure)) {
            // Quarkus REST reading a body that is not what its Content-Type says (a multipart/form-data body without
            // its boundary parts): the client's mistake, not the server's
            LOG.debugf("Unreadable request body on %s: %s", instance, failure);
            return response(new Problem(TYPE_INVALID_REQUEST, "Invalid request", 400,
                    "The request body cannot be read as its Content-Type says", instance,
                    List.of(new FieldError("body", "cannot be read as its Content-Type says (malformed multipart/form-data?)"))));
        }
        LOG.errorf(failure, "Unexpected failure serving %s", instance);
        return response(new Problem(TYPE_INTERNAL, "Internal error", 500,
                "Unexpected " + failure.getClass().getSimpleName() + "; see the server log", instance, null));
    }

    private static Problem json(JsonProcessingException e, String instance) {
        String field = "body";
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = path(mapping);
        }
        String message;
        if (e instanceof UnrecognizedPropertyException u) {
            field = path(u);
            message = "unknown field; known fields: " + u.getKnownPropertyIds();
        } else if (e instanceof InvalidFormatException f) {
            message = "must be " + typeName(f.getTargetType()) + ", got " + shorten(String.valueOf(f.getValue()));
        } else if (e instanceof MismatchedInputException m) {
            message = m.getTargetType() != null ? "must be " + typeName(m.getTargetType()) : "has the wrong type or shape";
        } else if (e instanceof InputCoercionException c) {
            message = "number out of range for " + typeName(c.getTargetType());
        } else if (e instanceof StreamReadException) {
            message = "is not valid JSON: " + shorten(e.getOriginalMessage());
        } else {
            message = "cannot be read: " + shorten(e.getOriginalMessage());
        }
        String type = e instanceof JsonMappingException && !(e instanceof InputCoercionException)
                ? TYPE_INVALID_REQUEST : TYPE_MALFORMED_JSON;
        String title = type.equals(TYPE_INVALID_REQUEST) ? "Invalid request" : "Malformed JSON";
        return new Problem(type, title, 400, field + " " + message, instance, List.of(new FieldError(field, message)));
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : shorten(sb.toString());
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "a JSON object";
    }

    /** A client-supplied value cut for echoing in a message. */
    static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO) + "...";
    }

    static Response response(Problem problem) {
        String body;
        try {
            body = MAPPER.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"title\":\"" + problem.title() + "\",\"status\":" + problem.status() + "}";
        }
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    /** Whether reading the request failed on I/O (a body that is not what its Content-Type says). */
    private static boolean unreadableBody(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }
}

package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.github.diffusion4j.pipeline.Violation;
import io.github.diffusion4j.quarkus.runtime.queue.ClientLimitException;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.QueueFullException;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
    public static final String TYPE_REQUEST_TIMEOUT = "urn:diffusion4j:problem:request-timeout";
    public static final String TYPE_UNSUPPORTED_MEDIA_TYPE = "urn:diffusion4j:problem:unsupported-media-type";
    public static final String TYPE_NOT_FOUND = "urn:diffusion4j:problem:not-found";
    public static final String TYPE_LENGTH_REQUIRED = "urn:diffusion4j:problem:length-required";

    /** Problems are small: serialised with a private mapper, independent of the application's Jackson settings. */
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SDK_FIELD = Pattern.compile("^([a-zA-Z]+) ");
    private static final int MAX_ECHO = 80;
    /** A parenthesis naming a server-side setting: "(enable `JsonReadFeature.X` to allow)", "(from `StreamRead...`)". */
    private static final Pattern JACKSON_HINT = Pattern.compile("\\s*\\([^()]*`[^()]*\\)");
    /** The same hint without parentheses: ": enable `JsonReadFeature.X` to allow". */
    private static final Pattern JACKSON_REFERENCE = Pattern.compile("[:;,]?\\s*(?:enable|disable|use)\\s+`[^`]*`[^.;)]*");
    /** Whatever back-quoted name is left ("from `StreamReadConstraints.getMaxNestingDepth()`"), with its lead-in. */
    private static final Pattern ANY_REFERENCE = Pattern.compile("[,;:]?\\s*(?:from|via|see)?\\s*`[^`]*`");
    private static final Pattern JAVA_TYPE = Pattern.compile("`(?:java|com|io|org)\\.(?:[A-Za-z0-9_$]+\\.)*([A-Za-z0-9_$]+)`");

    private Problems() {
    }

    /** Queues a checked request; the SDK's own validation failures become {@link InvalidRequestException}s. */
    static Job submit(GenerationQueue queue, ImageRequests.Resolved resolved, SubmitOptions options) {
        return submit(() -> queue.submit(resolved.model(), resolved.request(), options));
    }

    /** Runs a submission; an {@link IllegalArgumentException} (the SDK's validation) becomes a 400 naming the field. */
    static Job submit(Supplier<Job> submission) {
        try {
            return submission.get();
        } catch (IllegalArgumentException e) {
            throw invalid(e);
        }
    }

    /**
     * The 400 for an SDK validation failure: one field error per {@link Violation} of the SDK's
     * {@link io.github.diffusion4j.pipeline.InvalidRequestException}; a plain {@link IllegalArgumentException} names
     * the field its message starts with.
     */
    static InvalidRequestException invalid(IllegalArgumentException e) {
        if (e instanceof io.github.diffusion4j.pipeline.InvalidRequestException sdk && !sdk.violations().isEmpty()) {
            List<FieldError> errors = new ArrayList<>();
            for (Violation v : sdk.violations()) {
                errors.add(fieldError(v));
            }
            return new InvalidRequestException(errors);
        }
        String message = e.getMessage() != null ? e.getMessage() : "invalid value";
        Matcher m = SDK_FIELD.matcher(message);
        String field = m.find() ? m.group(1) : "request";
        return new InvalidRequestException(field, withoutField(field, message));
    }

    /**
     * An SDK violation as a REST field error, in the REST request's names: the SDK's {@code initImage} is
     * {@code image}, its {@code batchSize} is {@code batch} (also inside the budgets' {@code width*height*batchSize}).
     */
    static FieldError fieldError(Violation v) {
        String field = v.field().equals("initImage") ? "image" : v.field().replace("batchSize", "batch");
        String message = withoutField(v.field(), v.message()).replace("batchSize", "batch");
        return new FieldError(field, message);
    }

    /** The SDK's violations as REST field errors. */
    static List<FieldError> fieldErrors(io.github.diffusion4j.pipeline.InvalidRequestException e) {
        return invalid(e).errors();
    }

    /** "must be ..." of "width must be ...": a field error's message does not repeat its field. */
    private static String withoutField(String field, String message) {
        if (message == null) {
            return "invalid value";
        }
        return message.startsWith(field + " ") ? message.substring(field.length() + 1) : message;
    }

    /**
     * The error response for {@code failure} on request path {@code instance}: an RFC 9457 problem, or OpenAI's
     * error object on the OpenAI-compatible path.
     */
    public static Response toResponse(Throwable failure, String instance) {
        Response.ResponseBuilder b = Response.fromResponse(render(toProblem(failure, instance)));
        if (failure instanceof QueueFullException e) {
            b.header("Retry-After", Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
        }
        if (failure instanceof ClientLimitException e) {
            b.header("Retry-After", Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
        }
        if (failure instanceof WebApplicationException e && e.getResponse() != null && e.getResponse().getStatus() == 405
                && e.getResponse().getHeaderString("Allow") != null) {
            b.header("Allow", e.getResponse().getHeaderString("Allow"));
        }
        return b.build();
    }

    /** {@code problem} as a response in the shape its path calls for. */
    static Response render(Problem problem) {
        return OpenAiErrors.applies(problem.instance()) ? OpenAiErrors.response(problem) : response(problem);
    }

    /** The problem describing {@code failure}; never a stack trace or an internal name. */
    static Problem toProblem(Throwable failure, String instance) {
        if (failure instanceof InvalidRequestException e) {
            return new Problem(TYPE_INVALID_REQUEST, "Invalid request", 400, e.getMessage(), instance, e.errors());
        }
        if (failure instanceof ApiException e) {
            return new Problem(e.type(), e.title(), e.status(), e.getMessage(), instance, null);
        }
        if (failure instanceof QueueFullException e) {
            return new Problem(TYPE_QUEUE_FULL, "Queue full", 503, e.getMessage(), instance, null);
        }
        if (failure instanceof ClientLimitException e) {
            return new Problem(TYPE_CLIENT_LIMIT, "Too many jobs", 429, e.getMessage(), instance, null);
        }
        if (failure instanceof IllegalArgumentException e) {
            // From the SDK's own validation
            InvalidRequestException invalid = invalid(e);
            return new Problem(TYPE_INVALID_REQUEST, "Invalid request", 400, invalid.getMessage(), instance, invalid.errors());
        }
        if (failure instanceof MalformedJsonException e) {
            return json(e.jackson(), instance);
        }
        if (failure instanceof JsonProcessingException e) {
            return json(e, instance);
        }
        if (failure instanceof WebApplicationException e) {
            if (e.getCause() instanceof JsonProcessingException json) {
                return json(json, instance);
            }
            int status = e.getResponse() != null ? e.getResponse().getStatus() : 500;
            Response.Status s = Response.Status.fromStatusCode(status);
            String title = s != null ? s.getReasonPhrase() : "HTTP " + status;
            String detail = e.getMessage() != null ? e.getMessage() : title;
            if (status == 415) {
                return new Problem(TYPE_UNSUPPORTED_MEDIA_TYPE, title, 415, "Content-Type must be application/json (or multipart/form-data where an endpoint takes uploads)",
                        instance, null);
            }
            return new Problem("about:blank", title, status, detail, instance, null);
        }
        if (unreadableBody(failure)) {
            // Quarkus REST reading a body that is not what its Content-Type says (a multipart/form-data body without
            // its boundary parts): the client's mistake, not the server's
            LOG.debugf("Unreadable request body on %s: %s", instance, failure);
            return new Problem(TYPE_INVALID_REQUEST, "Invalid request", 400,
                    "The request body cannot be read as its Content-Type says", instance,
                    List.of(new FieldError("body", "cannot be read as its Content-Type says (malformed multipart/form-data?)")));
        }
        LOG.errorf(failure, "Unexpected failure serving %s", instance);
        return new Problem(TYPE_INTERNAL, "Internal error", 500,
                "Unexpected " + failure.getClass().getSimpleName() + "; see the server log", instance, null);
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
            message = "is not valid JSON: " + shorten(withoutInternals(e.getOriginalMessage()));
        } else {
            message = "cannot be read: " + shorten(withoutInternals(e.getOriginalMessage()));
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

    /**
     * A Jackson message without what only concerns the server: the parser features and constraints that would
     * accept the input ({@code enable `JsonReadFeature.ALLOW_...` to allow}, {@code `StreamReadConstraints...`}) and
     * package names of Java types.
     */
    static String withoutInternals(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String m = JAVA_TYPE.matcher(message).replaceAll("$1");
        m = JACKSON_HINT.matcher(m).replaceAll("");
        m = JACKSON_REFERENCE.matcher(m).replaceAll("");
        m = ANY_REFERENCE.matcher(m).replaceAll("");
        m = m.replaceAll("\\(\\s*\\)", "");
        return m.replaceAll("\\s+", " ").replaceAll("\\s+([).,:;])", "$1").trim();
    }

    /** A client-supplied value cut for echoing in a message. */
    static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= MAX_ECHO ? s : s.substring(0, MAX_ECHO) + "...";
    }

    static Response response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(text(problem)).build();
    }

    /** The JSON text of {@code problem}. */
    static String text(Problem problem) {
        try {
            return MAPPER.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            return "{\"title\":\"" + problem.title() + "\",\"status\":" + problem.status() + "}";
        }
    }

    /** Whether reading the request failed on I/O (a body that is not what its Content-Type says). */
    private static boolean unreadableBody(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}

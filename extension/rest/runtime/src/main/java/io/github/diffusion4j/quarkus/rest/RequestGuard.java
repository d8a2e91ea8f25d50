package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.rest.config.RestRuntimeConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * What the Diffusion4j endpoints refuse before Quarkus REST sees a request, on the event loop and without buffering:
 * a POST without a content type (415), a {@code Content-Length} over the body limit ({@code quarkus.diffusion4j.rest.max-body-size} plus
 * room for two uploads of {@code uploads.max-image-size}; 413, the body is never read), a chunked body that grows past it (413 as soon as it does, connection closed), and
 * a body that does not arrive within {@code quarkus.diffusion4j.rest.body-timeout} (408). A body within the limit is
 * read here, at most the limit, and handed to the resource through the routing context
 * ({@link #body(byte[], RoutingContext)}, or as the context's body, from which Quarkus REST parses a multipart form),
 * so nothing else buffers it again.
 * <p>
 * It also answers paths under the API root that no resource matched with a 404 problem, where Vert.x would send its
 * own plain-text page.
 * <p>
 * HTTP/2 (also the h2c upgrade Java's {@code HttpClient} makes by default): Quarkus REST pauses the request
 * unconditionally when it takes it over, and Vert.x throws {@code IllegalStateException: Request has already been
 * read} when an HTTP/2 request that has ended is paused (HTTP/1 ignores it; quarkusio/quarkus#34393). So an HTTP/2
 * body is handed on as soon as its declared {@code Content-Length} has arrived, before the stream's end; an HTTP/2
 * body without a length is refused with 411, and a refusal resets the stream instead of closing the connection that
 * other streams share.
 */
@Singleton
public class RequestGuard {

    private static final Logger LOG = Logger.getLogger(RequestGuard.class);
    /** Routing-context key of the body read by this guard. */
    static final String BODY = "diffusion4j.body";
    /** After authentication and authorisation (negative orders), before Quarkus REST. */
    private static final int FILTER_PRIORITY = 1;
    /** After every application route: only what nothing else answered. */
    private static final int NOT_FOUND_ORDER = Integer.MAX_VALUE - 1000;
    /** How long a refused body is still read (and dropped) before the connection is closed. */
    private static final long LINGER_MILLIS = 2000;
    /** How much of a refused body is still read (and dropped) before the connection is closed. */
    private static final long LINGER_BYTES = 256 * 1024;
    private static final ObjectMapper PEEK = new ObjectMapper();
    private static final String[] BODY_ENDPOINTS = {"/images", "/images/stream", "/jobs"};

    private final RestRuntimeConfig config;
    private final Vertx vertx;

    @Inject
    public RequestGuard(RestRuntimeConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    void filters(@Observes Filters filters) {
        RoutingProblems.openAi(config.openai().enabled());
        filters.register(this::guard, FILTER_PRIORITY);
    }

    void routes(@Observes Router router) {
        router.route(RoutingProblems.apiPath() + "/*").order(NOT_FOUND_ORDER).handler(this::notFound);
        router.route(RoutingProblems.apiPath()).order(NOT_FOUND_ORDER).handler(this::notFound);
    }

    /** The body this guard read for the request, else {@code parameter} (what Quarkus REST read, e.g. in tests). */
    static byte[] body(byte[] parameter, RoutingContext routing) {
        Buffer read = routing != null ? routing.get(BODY) : null;
        return read != null ? read.getBytes() : parameter;
    }

    private void notFound(RoutingContext rc) {
        String path = rc.request().path();
        reject(rc, new Problem(Problems.TYPE_NOT_FOUND, "Not Found", 404, "No endpoint at " + Problems.shorten(path)
                + " (the API is documented at /q/openapi)", path, null), false);
    }

    private void guard(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String path = request.path();
        if (request.method() != HttpMethod.POST || !bodyEndpoint(path)) {
            rc.next();
            return;
        }
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || type.isBlank()) {
            reject(rc, new Problem(Problems.TYPE_UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type", 415,
                    "A Content-Type header is required: application/json (multipart/form-data to upload images)",
                    path, null), !request.isEnded());
            return;
        }
        long max = limit(path, type);
        long declared = contentLength(request);
        if (declared > max) {
            LOG.debugf("Refused %s: Content-Length %d over %d", path, declared, max);
            reject(rc, problem(ApiException.bodyTooLarge(declared, max), path), true);
            return;
        }
        if (rc.body() != null && rc.body().buffer() != null) {
            checkBuffered(rc, rc.body().buffer(), max, path); // an application's body handler already read it
            return;
        }
        boolean http2 = request.version() == HttpVersion.HTTP_2;
        if (http2 && declared < 0) {
            reject(rc, new Problem(Problems.TYPE_LENGTH_REQUIRED, "Length Required", 411, "HTTP/2 requests to this "
                    + "endpoint need a Content-Length header", path, null), !request.isEnded());
            return;
        }
        if (request.isEnded()) {
            rc.next();
            return;
        }
        new BodyReader(rc, max, path, http2 ? declared : -1).start();
    }

    /**
     * The fields' {@code max-body-size}; on the endpoints that take uploads, plus room for an image and a mask at
     * {@code uploads.max-image-size}: as base64 text in a JSON body, as files in a multipart one.
     */
    private long limit(String path, String contentType) {
        ImageUploads uploads = ImageUploads.of(config);
        long fields = config.maxBodySize().asLongValue();
        if (path.equals(OpenAiErrors.PATH)) {
            return fields; // OpenAI's generations take no image
        }
        return contentType.regionMatches(true, 0, "multipart/", 0, "multipart/".length())
                ? uploads.multipartBodyLimit(fields) : uploads.jsonBodyLimit(fields);
    }

    private void checkBuffered(RoutingContext rc, Buffer body, long max, String path) {
        if (body.length() > max) {
            reject(rc, problem(ApiException.bodyTooLarge(body.length(), max), path), false);
        } else {
            rc.put(BODY, body);
            streamIfAsked(rc, body);
            rc.next();
        }
    }

    /**
     * On the OpenAI path, {@code "stream": true} in the body selects the event-stream method of the same path (OpenAI
     * clients send {@code Accept: application/json} either way). A body that does not parse is left to the resource,
     * which reports it.
     */
    private static void streamIfAsked(RoutingContext rc, Buffer body) {
        if (!OpenAiErrors.PATH.equals(rc.request().path()) || body.length() == 0) {
            return;
        }
        try {
            JsonNode stream = PEEK.readTree(body.getBytes()).path("stream");
            if (stream.isBoolean() && stream.booleanValue()) {
                rc.request().headers().set(HttpHeaders.ACCEPT, "text/event-stream");
            }
        } catch (IOException | RuntimeException unreadable) {
            // the resource's strict reader answers with the precise 400
        }
    }

    static boolean bodyEndpoint(String path) {
        if (path == null) {
            return false;
        }
        if (RoutingProblems.openAiEnabled() && (path.equals(OpenAiErrors.PATH) || path.equals(OpenAiErrors.EDITS_PATH))) {
            return true;
        }
        String api = RoutingProblems.apiPath();
        for (String endpoint : BODY_ENDPOINTS) {
            if (path.equals(api + endpoint)) {
                return true;
            }
        }
        return false;
    }

    /** The declared length, -1 when absent (chunked), {@link Long#MAX_VALUE} when unreadable (refused as too large). */
    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Problem problem(ApiException e, String path) {
        return new Problem(e.type(), e.title(), e.status(), e.getMessage(), path, null);
    }

    /**
     * Answers with {@code problem}; {@code close} when the body is left unread, so that the connection cannot be reused
     * with the rest of it still coming.
     */
    static void reject(RoutingContext rc, Problem problem, boolean close) {
        if (rc.response().ended() || rc.response().headWritten()) {
            return;
        }
        boolean openAi = OpenAiErrors.applies(problem.instance());
        String body = openAi ? OpenAiErrors.body(problem) : Problems.text(problem);
        rc.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, openAi ? "application/json" : Problem.MEDIA_TYPE);
        if (close && rc.request().version() == HttpVersion.HTTP_2) {
            // one stream of a shared connection: the rest of the body is refused by resetting this stream only (a
            // Connection header is not even allowed in HTTP/2)
            rc.response().end(body).onComplete(done -> rc.response().reset(0));
            return;
        }
        if (close) {
            rc.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        if (close && !rc.request().isEnded()) {
            // lingering close: up to LINGER_BYTES more of the body are read and dropped, for at most LINGER_MILLIS, so
            // that a client still sending a modest body reads this answer instead of a broken pipe; a client sending
            // megabytes is cut off at once
            long[] dropped = {0};
            rc.request().handler(chunk -> {
                dropped[0] += chunk.length();
                if (dropped[0] > LINGER_BYTES) {
                    rc.request().connection().close();
                }
            });
            rc.request().endHandler(ignored -> rc.request().connection().close());
            rc.request().exceptionHandler(ignored -> { });
            rc.request().resume();
            rc.vertx().setTimer(LINGER_MILLIS, id -> rc.request().connection().close());
            rc.response().end(body);
            return;
        }
        rc.response().end(body).onComplete(done -> {
            if (close) {
                rc.request().connection().close();
            }
        });
    }

    /** Reads one body on the event loop, counting bytes as they arrive. */
    private final class BodyReader {
        private final RoutingContext rc;
        private final long max;
        private final String path;
        /** HTTP/2: the declared length, handed on when complete (before the end, see the class comment); else -1. */
        private final long handOnAt;
        private final Buffer body = Buffer.buffer();
        private boolean done;
        private long timer = -1;

        BodyReader(RoutingContext rc, long max, String path, long handOnAt) {
            this.rc = rc;
            this.max = max;
            this.path = path;
            this.handOnAt = handOnAt;
        }

        void start() {
            HttpServerRequest request = rc.request();
            long timeout = config.bodyTimeout().toMillis();
            if (timeout > 0) {
                timer = vertx.setTimer(timeout, id -> timedOut(timeout));
            }
            request.handler(this::chunk);
            request.endHandler(v -> end());
            request.exceptionHandler(this::failed);
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                rc.response().writeContinue();
            }
            if (handOnAt == 0) {
                end(); // nothing to wait for, and the request must not end before Quarkus REST pauses it
                return;
            }
            request.resume();
        }

        private void chunk(Buffer chunk) {
            if (done) {
                return;
            }
            if (body.length() + (long) chunk.length() > max) {
                finish();
                // one line, at DEBUG: an oversized upload is the client's mistake, not the server's
                LOG.debugf("Refused %s: chunked body passed %d bytes", path, max);
                reject(rc, problem(ApiException.bodyTooLarge(-1, max), path), true);
                return;
            }
            body.appendBuffer(chunk);
            if (handOnAt >= 0 && body.length() >= handOnAt) {
                end(); // HTTP/2: complete before the stream's end event, while Quarkus REST can still pause it
            }
        }

        private void end() {
            if (done) {
                return;
            }
            finish();
            rc.put(BODY, body);
            // Vert.x calls this before the request counts as ended: Quarkus REST, seeing it still open, would wait for
            // a second end event that never comes; with the body set on the context it takes that instead
            rc.setBody(body);
            streamIfAsked(rc, body);
            rc.next();
        }

        private void timedOut(long timeout) {
            if (done) {
                return;
            }
            finish();
            LOG.debugf("Refused %s: body incomplete after %d ms (%d bytes)", path, timeout, body.length());
            reject(rc, new Problem(Problems.TYPE_REQUEST_TIMEOUT, "Request Timeout", 408, "The request body did not "
                    + "arrive within " + timeout + " ms (quarkus.diffusion4j.rest.body-timeout)", path, null), true);
        }

        private void failed(Throwable failure) {
            if (!done) {
                finish();
                LOG.debugf("Reading the body of %s failed: %s", path, failure.toString());
            }
        }

        private void finish() {
            done = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        }
    }
}

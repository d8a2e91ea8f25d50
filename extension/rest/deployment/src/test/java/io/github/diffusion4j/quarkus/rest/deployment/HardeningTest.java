package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.CLIENT;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits and refusals of the native API (issue 17): body size checked before and while reading, body time, content
 * type, quoted numbers, event ids, the Location header, problem documents for unknown paths, SDK scheduler names and
 * SSE heartbeats.
 */
class HardeningTest {

    private static final int MAX_BODY = 4096;

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class, RawHttp.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.\"slow\".path", RestTestSupport.model("bench"))
            .overrideConfigKey("quarkus.diffusion4j.\"slow\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"slow\".cpu-threads", "1")
            .overrideConfigKey("quarkus.diffusion4j.rest.max-body-size", Integer.toString(MAX_BODY))
            // bodies may carry two uploads on top: 1 KiB each keeps the limit near MAX_BODY
            .overrideConfigKey("quarkus.diffusion4j.rest.uploads.max-image-size", "1K")
            .overrideConfigKey("quarkus.diffusion4j.rest.body-timeout", "1S")
            .overrideConfigKey("quarkus.diffusion4j.jobs.sse-heartbeat", "200MS");

    @TestHTTPResource("/")
    URI base;

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() {
        try (RawHttp http = new RawHttp(base, 5000)) {
            // 10 MB announced, nothing sent: the answer must come without waiting for a byte of it
            String response = http.write("POST /diffusion/v1/images HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n").readAll();
            assertThat(RawHttp.status(response)).isEqualTo(413);
            assertThat(response).contains("application/problem+json").contains("quarkus.diffusion4j.rest.max-body-size");
        }
    }

    @Test
    void chunkedBodyIsCutOffAtTheLimit() {
        try (RawHttp http = new RawHttp(base, 5000)) {
            http.write("POST /diffusion/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[1024];
            Arrays.fill(chunk, (byte) ' ');
            int sent = 0;
            // far more than the limit, unless the server closes first
            while (sent < 200 && http.chunk(chunk)) {
                sent++;
            }
            String response = http.readAll();
            assertThat(RawHttp.status(response)).isEqualTo(413);
            assertThat(RawHttp.body(response)).contains("urn:diffusion4j:problem:body-too-large");
        }
    }

    @Test
    void chunkedBodyWithinTheLimitIsServed() {
        try (RawHttp http = new RawHttp(base, 10000)) {
            http.write("POST /diffusion/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            http.chunk("{\"prompt\":".getBytes(StandardCharsets.UTF_8));
            http.chunk("\"chunked\"}".getBytes(StandardCharsets.UTF_8));
            http.write("0\r\n\r\n");
            String response = http.readAll();
            assertThat(RawHttp.status(response)).isEqualTo(202);
        }
    }

    @Test
    void bodyThatStopsHalfWayTimesOut() {
        try (RawHttp http = new RawHttp(base, 8000)) {
            long start = System.nanoTime();
            String response = http.write("POST /diffusion/v1/jobs HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"prompt\":").readAll();
            assertThat(RawHttp.status(response)).isEqualTo(408);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
            assertThat(response).contains("quarkus.diffusion4j.rest.body-timeout");
        }
    }

    @Test
    void idleConnectionsAreClosedAfterFiveMinutesByDefault() {
        // Quarkus' own default is 30 minutes: half-open connections would pile up
        assertThat(ConfigProvider.getConfig().getValue("quarkus.http.idle-timeout", Duration.class))
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void postWithoutContentTypeGets415Problem() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"p\"}")).build());
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response.body()).get("status").asInt()).isEqualTo(415);
    }

    @Test
    void quotedNumbersAndBooleansAreTypeErrors() {
        for (String field : new String[] {"\"steps\":\"8\"", "\"width\":\"64\"", "\"guidanceScale\":\"7.5\"", "\"seed\":\"1\""}) {
            HttpResponse<String> response = send(post(base, "/diffusion/v1/jobs", "{\"prompt\":\"p\"," + field + "}").build());
            assertThat(response.statusCode()).as(field).isEqualTo(400);
            JsonNode problem = json(response.body());
            assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo(field.substring(1, field.indexOf("\":")));
        }
    }

    @Test
    void jacksonInternalsStayOut() {
        for (String body : new String[] {"{prompt:'p'}", "{\"prompt\":NaN}", "{\"prompt\":\"p\",}", "{\"prompt\":\"a\u0001b\"}",
                "{\"prompt\":\"p\",\"prompt\":\"q\"}", "[".repeat(1500)}) {
            HttpResponse<String> response = send(post(base, "/diffusion/v1/jobs", body).build());
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.body()).as(body).doesNotContain("Feature", "`", "Constraints", "java.", "com.fasterxml");
        }
    }

    @Test
    void negativeLastEventIdIsRefused() {
        String id = json(send(post(base, "/diffusion/v1/jobs", "{\"prompt\":\"p\"}").build()).body()).get("id").asText();
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id + "/events"))
                .header("Last-Event-ID", "-1").build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("errors").get(0).get("field").asText()).isEqualTo("Last-Event-ID");
    }

    @Test
    void locationNeverEchoesTheHostHeader() {
        try (RawHttp http = new RawHttp(base, 10000)) {
            String body = "{\"prompt\":\"p\"}";
            String response = http.write("POST /diffusion/v1/jobs HTTP/1.1\r\nHost: evil.example:666\r\n"
                    + "X-Forwarded-Host: evil.example\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).readAll();
            assertThat(RawHttp.status(response)).isEqualTo(202);
            assertThat(response).doesNotContain("evil.example");
            assertThat(response.toLowerCase()).containsPattern("location: /diffusion/v1/jobs/[0-9a-f-]{36}\r\n");
        }
    }

    @Test
    void unknownPathsAndMethodsUnderTheApiRootAreProblems() {
        for (String path : new String[] {"/diffusion/v1/nope", "/diffusion/v1", "/diffusion/v1/jobs/x/y/z", "/diffusion/v1/models/x"}) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(base, path)).build());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
        }
        HttpResponse<String> put = send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/models"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    /**
     * 414 and 431 come from Vert.x's HTTP/1 decoder before any route or filter: its invalid-request handler (the only
     * hook, {@code HttpServer.invalidRequestHandler}) is set on the server Quarkus creates and does not expose, so the
     * answer is Vert.x's: the status, no body, the connection closed. What is asserted is that it stays that (no 5xx,
     * no hang) and that the server serves the next request.
     */
    @Test
    void uriAndHeadersOverQuarkusLimitsGet414And431FromVertx() {
        try (RawHttp http = new RawHttp(base, 5000)) {
            String response = http.write("GET /diffusion/v1/" + "x".repeat(5000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .readAll();
            // Vert.x's own answer, as plain Vert.x 4.5 gives it: HTTP/1.0 (the version of a line it could not read is
            // unknown), an empty body
            assertThat(response).as(response).startsWith("HTTP/1.0 414 Request-URI Too Long\r\n")
                    .containsIgnoringCase("content-length: 0\r\n");
        }
        try (RawHttp http = new RawHttp(base, 5000)) {
            String response = http.write("GET /diffusion/v1/models HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                    + "y".repeat(30_000) + "\r\n\r\n").readAll();
            assertThat(response).as(response).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n")
                    .containsIgnoringCase("content-length: 0\r\n");
        }
        assertThat(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/models")).build()).statusCode()).isEqualTo(200);
    }

    @Test
    void everySchedulerNameTheSdkAcceptsIsAccepted() {
        for (String name : new String[] {"dpmpp_2m_karras", "Euler", "DDIMScheduler", "k_euler_a", "EulerAncestralDiscreteScheduler"}) {
            HttpResponse<String> response = send(post(base, "/diffusion/v1/jobs",
                    "{\"prompt\":\"p\",\"scheduler\":\"" + name + "\"}").build());
            assertThat(response.statusCode()).as(name).isEqualTo(202);
        }
        HttpResponse<String> unknown = send(post(base, "/diffusion/v1/jobs", "{\"prompt\":\"p\",\"scheduler\":\"warp\"}").build());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("dpmpp_2m_karras", "DDIMScheduler");
    }

    @Test
    void queuedStreamGetsHeartbeats() throws Exception {
        // a long job holds the CPU slot; the second job's stream waits silently in the queue but for the heartbeats
        String busy = json(send(post(base, "/diffusion/v1/jobs", "{\"prompt\":\"busy\",\"model\":\"slow\",\"steps\":40}")
                .build()).body()).get("id").asText();
        HttpRequest stream = post(base, "/diffusion/v1/images/stream", "{\"prompt\":\"waiting\",\"model\":\"slow\",\"steps\":2}")
                .timeout(Duration.ofSeconds(60)).build();
        HttpResponse<InputStream> response = CLIENT.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        int heartbeats = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (String line = lines.readLine(); line != null && heartbeats < 3 && System.nanoTime() < deadline;
                 line = lines.readLine()) {
                if (line.startsWith(":")) {
                    heartbeats++;
                }
            }
        } finally {
            send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + busy)).DELETE().build());
        }
        assertThat(heartbeats).isEqualTo(3);
    }
}

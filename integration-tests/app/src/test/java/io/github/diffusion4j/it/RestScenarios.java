package io.github.diffusion4j.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST + SSE scenarios of the integration tests, written once and run against a base URL: in-process
 * ({@link InProcessRestTest}), the packaged jar ({@link PackagedJarRestIT}) and a container ({@link ContainerRestIT},
 * {@link GpuContainerRestIT}).
 * <p>
 * The application runs with a queue of capacity 1 and concurrency 1 (see application.properties). Every scenario
 * leaves the queue empty behind it, so the order in which JUnit runs them does not matter.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class RestScenarios {

    static final String API = "/diffusion/v1";
    /** Small and fast on any model: the tiny model draws 64×64 in a few milliseconds per step. */
    static final String QUICK = "{\"prompt\": \"a red fox in the snow\", \"width\": 64, \"height\": 64, "
            + "\"steps\": 4, \"seed\": 42, \"scheduler\": \"euler\"}";
    /** Long enough to still be running when the next requests arrive, on any machine; always cancelled. */
    static final String BUSY = "{\"prompt\": \"keep the queue busy\", \"width\": 512, \"height\": 512, "
            + "\"steps\": 1000, \"seed\": 7, \"scheduler\": \"euler\", \"previewInterval\": 0}";

    /** Where the application answers, e.g. {@code http://localhost:8081}. */
    protected abstract URI baseUri();

    /** The execution provider the model must report: {@code cpu}, or {@code cuda} in the GPU variant. */
    protected String expectedProvider() {
        return "cpu";
    }

    private RequestSpecification api() {
        return given().baseUri(baseUri().toString()).basePath(API);
    }

    @Test
    void listsTheConfiguredModel() {
        Response response = api().get("/models");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> names = response.jsonPath().getList("name");
        assertThat(names).containsExactly("default");
        // "cpu" or "cuda:0": proves which provider really loaded the model, not only which one was asked for
        assertThat(response.jsonPath().getString("[0].provider")).startsWith(expectedProvider());
    }

    @Test
    void generatesAPngThatDecodes() throws IOException {
        Response response = api().contentType("application/json").accept("image/png").body(QUICK).post("/images");

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("image/png");
        assertThat(response.header("X-Seed")).isEqualTo("42");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.asByteArray()));
        assertThat(image).as("decoded PNG").isNotNull();
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(64);
    }

    @Test
    void streamsStepEventsInOrderWithIncreasingIds() throws IOException {
        List<SseClient.Event> events;
        try (SseClient sse = SseClient.open(post("/images/stream", QUICK).header("Accept", "text/event-stream").build())) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.contentType()).startsWith("text/event-stream");
            events = sse.rest();
        }

        List<String> names = events.stream().map(SseClient.Event::name).toList();
        assertThat(names).as("event names").startsWith("queued").endsWith("completed");
        assertThat(names).containsSubsequence("queued", "started", "step", "completed");
        // every id is a number and larger than the one before: what Last-Event-ID resumption relies on
        long previous = 0;
        for (SseClient.Event e : events) {
            assertThat(e.id()).as("id of %s", e.name()).isNotNull();
            long id = Long.parseLong(e.id());
            assertThat(id).as("id of %s after %d", e.name(), previous).isGreaterThan(previous);
            previous = id;
        }
        List<Integer> stepIndexes = new ArrayList<>();
        for (SseClient.Event e : events) {
            if (e.name().equals("step")) {
                JsonNode step = e.json();
                assertThat(step.get("total").asInt()).as("total of %s", e.data()).isEqualTo(4);
                stepIndexes.add(step.get("index").asInt());
            }
        }
        assertThat(stepIndexes).containsExactly(1, 2, 3, 4);

        JsonNode completed = events.get(events.size() - 1).json();
        String dataUri = completed.get("images").get(0).get("image").asText();
        assertThat(dataUri).startsWith("data:image/png;base64,");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(dataUri.substring(dataUri.indexOf(',') + 1))));
        assertThat(image.getWidth()).isEqualTo(64);
    }

    @Test
    void deleteCancelsARunningJob() {
        String id = submitJob(BUSY);
        try (SseClient sse = SseClient.open(HttpRequest.newBuilder(uri(API + "/jobs/" + id + "/events"))
                .header("Accept", "text/event-stream").GET().build())) {
            assertThat(sse.status()).isEqualTo(200);
            // the first step proves the job runs: DELETE must stop a running generation, not only a queued one
            for (SseClient.Event e = sse.next(); !"step".equals(e.name()); e = sse.next()) {
                assertThat(e.name()).as("events before the first step: %s %s", e.name(), e.data())
                        .isIn("queued", "started");
            }

            assertThat(api().delete("/jobs/" + id).statusCode()).isEqualTo(204);

            List<SseClient.Event> rest = sse.rest();
            assertThat(rest).as("events after DELETE").isNotEmpty();
            assertThat(rest.get(rest.size() - 1).name()).isEqualTo("cancelled");
        }
        Response job = api().get("/jobs/" + id);
        assertThat(job.statusCode()).isEqualTo(200);
        assertThat(job.jsonPath().getString("state")).isEqualTo("cancelled");
        assertThat(job.jsonPath().getInt("step")).isLessThan(1000);
        assertThat(job.jsonPath().getInt("attempts")).as("it ran once").isEqualTo(1);
    }

    @Test
    void invalidRequestIsA400Problem() {
        Response response = api().contentType("application/json")
                .body("{\"prompt\": \"x\", \"width\": 1030, \"steps\": 0}")
                .post("/images");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).isEqualTo(400);
        assertThat(response.jsonPath().getList("errors.field", String.class)).contains("width", "steps");
        assertThat(response.jsonPath().getString("instance")).isEqualTo(API + "/images");
    }

    @Test
    void fullQueueIsA503WithRetryAfter() {
        List<String> submitted = new ArrayList<>();
        try {
            String running = submitJob(BUSY);
            submitted.add(running);
            awaitState(running, "running");
            submitted.add(submitJob(BUSY)); // waits in the queue's only slot

            Response rejected = api().contentType("application/json").body(QUICK).post("/jobs");

            assertThat(rejected.statusCode()).as(rejected.asString()).isEqualTo(503);
            assertThat(rejected.contentType()).startsWith("application/problem+json");
            String retryAfter = rejected.header("Retry-After");
            assertThat(retryAfter).as("Retry-After header").isNotNull();
            assertThat(Long.parseLong(retryAfter)).isPositive();
        } finally {
            // leave an empty queue to the next scenario, whatever happened above
            for (String id : submitted) {
                api().delete("/jobs/" + id);
            }
            for (String id : submitted) {
                awaitState(id, "cancelled");
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private String submitJob(String body) {
        Response response = api().contentType("application/json").body(body).post("/jobs");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(202);
        String id = response.jsonPath().getString("id");
        assertThat(response.header("Location")).endsWith("/jobs/" + id);
        return id;
    }

    /** Polls the job until it reaches the state; 60 s covers a previous scenario's job still stopping. */
    private void awaitState(String id, String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String current = null;
        while (System.nanoTime() < deadline) {
            Response job = api().get("/jobs/" + id);
            current = job.jsonPath().getString("state");
            if (state.equals(current)) {
                return;
            }
            if (job.jsonPath().getString("finishedAt") != null) {
                throw new AssertionError("job " + id + " finished without becoming " + state + ": " + job.asString());
            }
            sleep(20);
        }
        throw new AssertionError("job " + id + " did not become " + state + " within 60 s; last state: " + current);
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(uri(API + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private URI uri(String path) {
        String base = baseUri().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

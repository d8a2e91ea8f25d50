package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.Sse;
import io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.SseReader;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.sendBytes;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/** The REST API end to end on the tiny model ("default") and the slow bench model ("slow"), default root path. */
class RestApiTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, Sse.class, SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "3")
            .overrideConfigKey("quarkus.diffusion4j.\"slow\".path", RestTestSupport.model("bench"))
            .overrideConfigKey("quarkus.diffusion4j.\"slow\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"slow\".cpu-threads", "1")
            .overrideConfigKey("quarkus.diffusion4j.\"slow\".steps", "10")
            .overrideConfigKey("quarkus.diffusion4j.\"slow\".preview-interval", "1");

    @TestHTTPResource("/")
    URI base;

    @Inject
    GenerationQueue queue;

    @Test
    void pngByDefaultWithSeedHeaderAndParametersChunk() {
        HttpResponse<byte[]> response = sendBytes(post(base, "/diffusion/v1/images",
                "{\"prompt\":\"a red circle\",\"seed\":7,\"steps\":3}").build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/png"));
        assertThat(response.headers().firstValue("X-Seed")).hasValue("7");
        byte[] png = response.body();
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        String text = new String(png, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("tEXtparameters").contains("a red circle").contains("Seed: 7").contains("Steps: 3");
    }

    @Test
    void jsonWhenAccepted() {
        HttpResponse<String> response = send(post(base, "/diffusion/v1/images",
                "{\"prompt\":\"two circles\",\"seed\":11,\"batch\":2,\"steps\":2}")
                .header("Accept", "application/json").build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = json(response.body());
        assertThat(body.get("images")).hasSize(2);
        JsonNode first = body.get("images").get(0);
        assertThat(first.get("seed").asLong()).isEqualTo(11);
        assertThat(first.get("width").asInt()).isEqualTo(64);
        assertThat(first.get("metadata").get("prompt").asText()).isEqualTo("two circles");
        assertThat(Base64.getDecoder().decode(first.get("b64").asText())).startsWith((byte) 0x89, (byte) 'P');
        assertThat(body.get("timings").get("totalMillis").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(body.get("model").asText()).isEqualTo("default");
    }

    @Test
    void streamDeliversEventsIncrementallyInOrderWithIncreasingIds() {
        int steps = 8;
        List<Sse> events = new ArrayList<>();
        String stateAtFirstStep = null;
        try (SseReader reader = new SseReader(post(base, "/diffusion/v1/images/stream",
                "{\"prompt\":\"a stream\",\"model\":\"slow\",\"scheduler\":\"euler\",\"steps\":" + steps + ",\"seed\":3}").build())) {
            assertThat(reader.status()).isEqualTo(200);
            assertThat(reader.response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            for (Sse e = reader.next(); e != null; e = reader.next()) {
                events.add(e);
                if (e.event().equals("step") && stateAtFirstStep == null) {
                    // the first step event is here while the job still runs: events are not buffered to the end
                    String jobId = e.json().get("jobId").asText();
                    stateAtFirstStep = json(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + jobId)).build())
                            .body()).get("state").asText();
                }
            }
        }
        assertThat(stateAtFirstStep).isEqualTo("running");
        List<String> names = events.stream().map(Sse::event).toList();
        assertThat(names.get(0)).isEqualTo("queued");
        assertThat(names.get(1)).isEqualTo("started");
        assertThat(names.subList(2, 2 + steps)).containsOnly("step");
        assertThat(names.get(names.size() - 1)).isEqualTo("completed");
        assertThat(names).hasSize(steps + 3);
        long previous = 0;
        for (Sse e : events) {
            long id = Long.parseLong(e.id());
            assertThat(id).isGreaterThan(previous);
            previous = id;
        }
        for (int i = 0; i < steps; i++) {
            JsonNode step = events.get(2 + i).json();
            assertThat(step.get("index").asInt()).isEqualTo(i + 1);
            assertThat(step.get("total").asInt()).isEqualTo(steps);
        }
        assertThat(events.get(2).json().get("preview").asText()).startsWith("data:image/png;base64,");
        // arrival times spread over the run: the completed event came well after the first step
        assertThat(events.get(events.size() - 1).receivedNanos() - events.get(2).receivedNanos())
                .isGreaterThan(Duration.ofMillis(5).toNanos());
        JsonNode completed = events.get(events.size() - 1).json();
        assertThat(completed.get("images").get(0).get("image").asText()).startsWith("data:image/png;base64,");
        assertThat(completed.get("images").get(0).get("metadata").get("seed").asLong()).isEqualTo(3);
        assertThat(completed.get("timings").get("denoisingMillis").asLong()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void disconnectingCancelsTheJobWithinAStepAndFreesTheSlot() throws Exception {
        String jobId;
        int seenStep;
        try (SseReader reader = new SseReader(post(base, "/diffusion/v1/images/stream",
                "{\"prompt\":\"gone\",\"model\":\"slow\",\"steps\":150,\"previewInterval\":0}").build())) {
            assertThat(reader.status()).isEqualTo(200);
            jobId = reader.next().json().get("jobId").asText();
            Sse e;
            do {
                e = reader.next();
            } while (!e.event().equals("step") || e.json().get("index").asInt() < 2);
            seenStep = e.json().get("index").asInt();
        }
        JsonNode job = awaitState(jobId, "cancelled", Duration.ofSeconds(10));
        assertThat(job.get("cancelReason").asText()).isEqualTo("disconnected");
        // the client saw step N; the in-flight step and a couple buffered in the connection may follow, no more
        assertThat(job.get("step").asInt()).isBetween(seenStep, seenStep + 4);
        assertThat(queue.activeJobs()).isZero();
        assertThat(queue.queueDepth()).isZero();
    }

    @Test
    void deleteCancelsOnlyItsJob() throws Exception {
        String body = "{\"prompt\":\"job\",\"model\":\"slow\",\"steps\":30,\"previewInterval\":0}";
        HttpResponse<String> a = send(post(base, "/diffusion/v1/jobs", body).build());
        HttpResponse<String> b = send(post(base, "/diffusion/v1/jobs",
                "{\"prompt\":\"job b\",\"model\":\"slow\",\"steps\":3,\"previewInterval\":0}").build());
        assertThat(a.statusCode()).isEqualTo(202);
        assertThat(b.statusCode()).isEqualTo(202);
        String idA = json(a.body()).get("id").asText();
        String idB = json(b.body()).get("id").asText();
        assertThat(a.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/diffusion/v1/jobs/" + idA));
        JsonNode queuedB = json(b.body());
        assertThat(queuedB.get("state").asText()).isIn("queued", "running");

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + idA)).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);

        JsonNode jobA = awaitState(idA, "cancelled", Duration.ofSeconds(10));
        assertThat(jobA.get("cancelReason").asText()).isEqualTo("cancelled");
        JsonNode jobB = awaitState(idB, "completed", Duration.ofSeconds(30));
        assertThat(jobB.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(jobB.get("attempts").asInt()).as("one run on the memory backend").isEqualTo(1);

        HttpResponse<byte[]> image = sendBytes(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + idB + "/image")).build());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.body()).startsWith((byte) 0x89, (byte) 'P');
        HttpResponse<String> notFinished = send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + idA + "/image")).build());
        assertThat(notFinished.statusCode()).isEqualTo(409);
        assertThat(notFinished.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> unknown = send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/nope")).DELETE().build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).get("status").asInt()).isEqualTo(404);
    }

    @Test
    void reconnectWithLastEventIdReplaysMissedEvents() {
        HttpResponse<String> submitted = send(post(base, "/diffusion/v1/jobs",
                "{\"prompt\":\"replay\",\"model\":\"slow\",\"scheduler\":\"euler\",\"steps\":12}").build());
        String id = json(submitted.body()).get("id").asText();
        List<Sse> first = new ArrayList<>();
        try (SseReader reader = new SseReader(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id + "/events")).build())) {
            for (int i = 0; i < 4; i++) {
                first.add(reader.next());
            }
        }
        String last = first.get(first.size() - 1).id();
        List<Sse> rest;
        try (SseReader reader = new SseReader(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id + "/events"))
                .header("Last-Event-ID", last).build())) {
            rest = reader.rest();
        }
        assertThat(Long.parseLong(rest.get(0).id())).isEqualTo(Long.parseLong(last) + 1);
        assertThat(rest.get(rest.size() - 1).event()).isEqualTo("completed");
        List<Sse> all = new ArrayList<>(first);
        all.addAll(rest);
        for (int i = 0; i < all.size(); i++) {
            assertThat(Long.parseLong(all.get(i).id())).isEqualTo(i + 1);
        }
        // the job went on while nobody listened: closing /events does not cancel
        assertThat(all.stream().filter(e -> e.event().equals("step")).count()).isEqualTo(12);

        // after the end, the query parameter variant replays from any id
        try (SseReader reader = new SseReader(HttpRequest.newBuilder(
                uri(base, "/diffusion/v1/jobs/" + id + "/events?lastEventId=" + (all.size() - 2))).build())) {
            List<Sse> tail = reader.rest();
            assertThat(tail).extracting(Sse::event).containsExactly("step", "completed");
        }
    }

    @Test
    void modelsAndSchedulers() {
        JsonNode models = json(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/models")).build()).body());
        assertThat(models).hasSize(2);
        JsonNode first = models.get(0);
        assertThat(first.get("name").asText()).isEqualTo("default");
        assertThat(first.get("default").asBoolean()).isTrue();
        assertThat(first.get("provider").asText()).isEqualTo("cpu");
        assertThat(first.get("defaults").get("steps").asInt()).isEqualTo(3);
        assertThat(first.get("limits").get("maxWidth").asInt()).isEqualTo(1024);
        JsonNode schedulers = json(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/schedulers")).build()).body());
        assertThat(schedulers.get("schedulers").toString()).contains("euler", "ddim");
        assertThat(schedulers.get("defaults").has("slow")).isTrue();
    }

    @Test
    void validationNamesEachBadFieldWithTheRange() {
        HttpResponse<String> response = send(post(base, "/diffusion/v1/images",
                "{\"prompt\":\"x\",\"width\":1001,\"steps\":0,\"guidanceScale\":-1,\"scheduler\":\"warp\",\"model\":\"../../etc\","
                        + "\"noise\":\"cuda\",\"batch\":99,\"colour\":\"red\"}").build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("instance").asText()).isEqualTo("/diffusion/v1/images");
        assertThat(problem.get("errors")).extracting(e -> e.get("field").asText())
                .containsExactlyInAnyOrder("colour", "model", "width", "steps", "guidanceScale", "batch", "scheduler", "noise");
        String errors = problem.get("errors").toString();
        assertThat(errors).contains("multiple of 16 between 16 and 1024") // the SDK descriptor's multiple for the tiny UNet
                .contains("between 1 and 150").contains("valid names: [default, slow]")
                .contains("between 1 and 4");
    }

    @Test
    void openApiListsEveryEndpointAndEventType() {
        JsonNode doc = json(send(HttpRequest.newBuilder(uri(base, "/q/openapi?format=json")).build()).body());
        JsonNode paths = doc.get("paths");
        assertThat(paths.has("/diffusion/v1/images")).isTrue();
        assertThat(paths.has("/diffusion/v1/images/stream")).isTrue();
        assertThat(paths.has("/diffusion/v1/jobs")).isTrue();
        assertThat(paths.has("/diffusion/v1/jobs/{id}")).isTrue();
        assertThat(paths.get("/diffusion/v1/jobs/{id}").has("delete")).isTrue();
        assertThat(paths.has("/diffusion/v1/jobs/{id}/events")).isTrue();
        assertThat(paths.has("/diffusion/v1/jobs/{id}/image")).isTrue();
        assertThat(paths.has("/diffusion/v1/models")).isTrue();
        assertThat(paths.has("/diffusion/v1/schedulers")).isTrue();
        assertThat(paths.has("/v1/images/generations")).isFalse();
        List<String> tags = new ArrayList<>();
        doc.get("tags").forEach(tag -> tags.add(tag.get("name").asText()));
        assertThat(tags).contains("Diffusion4j Images", "Diffusion4j Jobs", "Diffusion4j Models")
                .doesNotContain("Diffusion4j OpenAI");
        JsonNode schemas = doc.get("components").get("schemas");
        for (String event : List.of("QueuedEvent", "StartedEvent", "StepEvent", "CompletedEvent", "FailedEvent",
                "CancelledEvent", "ImageRequest", "Problem", "JobStatus")) {
            assertThat(schemas.has(event)).as(event).isTrue();
        }
        String stream = paths.get("/diffusion/v1/images/stream").toString();
        assertThat(stream).contains("text/event-stream").contains("QueuedEvent").contains("CancelledEvent");
    }

    @Test
    void openAiEndpointIsOffByDefault() {
        HttpResponse<String> response = send(post(base, "/v1/images/generations", "{\"prompt\":\"x\"}").build());
        assertThat(response.statusCode()).isEqualTo(404);
    }

    private JsonNode awaitState(String id, String state, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < end) {
            job = json(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id)).build()).body());
            if (job.get("state").asText().equals(state)) {
                return job;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("job " + id + " did not reach " + state + " in " + timeout + ": " + job);
    }
}

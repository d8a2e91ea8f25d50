package io.github.diffusion4j.quarkus.redis.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.quarkus.redis.test.Http;
import io.github.diffusion4j.quarkus.redis.test.Http.Event;
import io.github.diffusion4j.quarkus.redis.test.Http.Sse;
import io.github.diffusion4j.quarkus.redis.test.RedisServer;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.github.diffusion4j.quarkus.redis.test.Http.delete;
import static io.github.diffusion4j.quarkus.redis.test.Http.get;
import static io.github.diffusion4j.quarkus.redis.test.Http.json;
import static io.github.diffusion4j.quarkus.redis.test.Http.post;
import static io.github.diffusion4j.quarkus.redis.test.Http.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis backend on a real redis-server, one node that is API and worker: jobs, event replay after Last-Event-ID,
 * cancel within one step, the per-client cap, live queue positions, the attempt count, and the take-over of a job whose worker stopped heart-beating.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisQueueTest {

    static final RedisServer REDIS = RedisServer.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(REDIS::close));
    }

    static final String API = "/diffusion/v1";
    static final String QUICK = "{\"prompt\":\"a red circle\",\"width\":64,\"height\":64,\"steps\":4,\"seed\":42,"
            + "\"scheduler\":\"euler\"}";
    static final String BUSY = "{\"prompt\":\"busy\",\"width\":512,\"height\":512,\"steps\":1000,\"seed\":7,"
            + "\"scheduler\":\"euler\",\"previewInterval\":0}";

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Http.class, Http.Event.class, Http.Sse.class, RedisServer.class))
            .overrideConfigKey("quarkus.diffusion4j.path", System.getProperty("diffusion4j.testModels") + "/optimum-new")
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.limits.max-steps", "1000")
            // BUSY (512² × 1000 steps) keeps a worker busy: over the default work budget
            .overrideConfigKey("quarkus.diffusion4j.limits.max-cost", "300000000")
            .overrideConfigKey("quarkus.diffusion4j.queue.backend", "redis")
            .overrideConfigKey("quarkus.diffusion4j.queue.max-jobs-per-client", "3")
            .overrideConfigKey("quarkus.diffusion4j.queue.redis.heartbeat-interval", "200MS")
            .overrideConfigKey("quarkus.diffusion4j.queue.redis.reclaim-after", "1S")
            .overrideConfigKey("quarkus.diffusion4j.queue.redis.poll-interval", "100MS")
            .overrideConfigKey("quarkus.redis.hosts", REDIS.url())
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false");

    @TestHTTPResource("/")
    URI base;

    @Inject
    GenerationQueue queue;

    @Inject
    Redis redis;

    @Test
    void aJobRunsAndItsEventsReplayAfterLastEventIdWithoutGapOrDuplicate() {
        String id = submit(QUICK, null);
        List<Event> all;
        try (Sse sse = new Sse(uri(base, API + "/jobs/" + id + "/events"), null)) {
            assertThat(sse.status()).isEqualTo(200);
            all = sse.rest();
        }
        assertThat(all).extracting(Event::name).startsWith("queued").endsWith("completed")
                .containsSubsequence("queued", "started", "step", "step", "step", "step", "completed");
        for (int i = 0; i < all.size(); i++) {
            assertThat(Long.parseLong(all.get(i).id())).as("ids count up from 1").isEqualTo(i + 1L);
        }
        JsonNode completed = all.get(all.size() - 1).json();
        assertThat(completed.get("images").get(0).get("image").asText()).startsWith("data:image/png;base64,");

        try (Sse resumed = new Sse(uri(base, API + "/jobs/" + id + "/events"), "3")) {
            assertThat(resumed.rest()).extracting(Event::id)
                    .containsExactlyElementsOf(all.subList(3, all.size()).stream().map(Event::id).toList());
        }
        JsonNode status = json(get(base, API + "/jobs/" + id).body());
        assertThat(status.get("state").asText()).isEqualTo("completed");
        assertThat(status.get("lastEventId").asLong()).isEqualTo(all.size());
        assertThat(status.get("attempts").asInt()).isEqualTo(1);
        HttpResponse<String> image = get(base, API + "/jobs/" + id + "/image");
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(get(base, API + "/jobs/does-not-exist").statusCode()).isEqualTo(404);
    }

    @Test
    void synchronousCallsGetTheirImageAndLeaveNoJobBehind() {
        HttpResponse<String> response = post(base, API + "/images", QUICK, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.get("images").get(0).get("b64").asText()).isNotEmpty();
    }

    @Test
    void cancelStopsARunningJobWithinOneStep() {
        String id = submit(BUSY, null);
        try (Sse sse = new Sse(uri(base, API + "/jobs/" + id + "/events"), null)) {
            Event e = sse.next();
            while (e != null && !e.name().equals("step")) {
                e = sse.next();
            }
            assertThat(e).as("a first step event").isNotNull();
            assertThat(delete(base, API + "/jobs/" + id).statusCode()).isEqualTo(204);
            List<Event> rest = sse.rest();
            assertThat(rest).extracting(Event::name).endsWith("cancelled");
        }
        JsonNode status = json(get(base, API + "/jobs/" + id).body());
        assertThat(status.get("state").asText()).isEqualTo("cancelled");
        int stepAtCancel = status.get("step").asInt();
        assertThat(stepAtCancel).isLessThan(1000);
        // the worker stopped: its slot takes the next job, which completes
        String next = submit(QUICK, null);
        awaitState(next, "completed");
        JsonNode after = json(get(base, API + "/jobs/" + id).body());
        assertThat(after.get("step").asInt()).as("no step written after the cancel").isEqualTo(stepAtCancel);
    }

    @Test
    void aClientGetsAtMostItsCapOfQueuedAndRunningJobs() {
        List<String> mine = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                mine.add(submit(BUSY, "client-a"));
            }
            HttpResponse<String> refused = post(base, API + "/jobs", BUSY, "client-a");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(refused.body()).get("type").asText()).isEqualTo("urn:diffusion4j:problem:client-limit");
            awaitState(mine.get(0), "running");
            // another client still gets in
            String other = submit(QUICK, "client-b");
            mine.add(other);
            assertThat(json(get(base, API + "/jobs/" + other).body()).get("position").asInt())
                    .as("round-robin: client b's job goes before a's second and third").isEqualTo(1);
        } finally {
            for (String id : mine) {
                delete(base, API + "/jobs/" + id);
            }
        }
        assertThat(queue.queueDepth()).isZero();
        assertThat(post(base, API + "/jobs", QUICK, "client-a").statusCode()).as("the cap is released").isEqualTo(202);
    }

    /**
     * A queued job's stream shows its position live: it moves up when a job ahead of it is cancelled and when the
     * one ahead starts, each move one {@code queued} event, then it starts.
     */
    @Test
    void aQueuedJobGetsAnEventEachTimeItsPositionChanges() {
        String busy = submit(BUSY, "pos-busy");
        awaitState(busy, "running");
        String b = submit(QUICK, "pos-b");
        String c = submit(QUICK, "pos-c");
        String d = submit(QUICK, "pos-d");
        try (Sse sse = new Sse(uri(base, API + "/jobs/" + d + "/events"), null)) {
            Event first = sse.next();
            assertThat(first.name()).isEqualTo("queued");
            assertThat(first.json().get("position").asInt()).isEqualTo(3);
            assertThat(delete(base, API + "/jobs/" + b).statusCode()).as("b leaves the queue").isEqualTo(204);
            Event moved = sse.next();
            assertThat(moved.name()).isEqualTo("queued");
            assertThat(moved.json().get("position").asInt()).isEqualTo(2);
            assertThat(json(get(base, API + "/jobs/" + d).body()).get("position").asInt()).isEqualTo(2);
            assertThat(delete(base, API + "/jobs/" + busy).statusCode()).as("c starts").isEqualTo(204);
            List<Event> rest = sse.rest();
            assertThat(rest).extracting(Event::name).startsWith("queued", "started").endsWith("completed");
            assertThat(rest.get(0).json().get("position").asInt()).isEqualTo(1);
            assertThat(rest.stream().filter(e -> e.name().equals("queued")).count()).as("no repeated position")
                    .isEqualTo(1);
        }
        awaitState(c, "completed");
    }

    /**
     * A job that a worker took and then stopped heart-beating (this test plays that worker: it takes the job through
     * the consumer group and never heart-beats) is taken over by the live worker after reclaim-after: a
     * {@code restarted} event, then it completes once.
     */
    @Test
    void aJobOfAWorkerThatStoppedHeartBeatingIsRestartedElsewhere() {
        String busy = submit(BUSY, "hold");
        awaitState(busy, "running");
        String id = submit(QUICK, "victim");
        // the dead worker takes it, as the TAKE script does, and then never heart-beats again
        call("ZREM", "{d4j}:wait:default", id);
        call("DECR", "{d4j}:waiting");
        call("INCR", "{d4j}:running");
        call("HSET", "{d4j}:job:" + id, "state", "running", "attempts", "1", "worker", "dead-worker",
                "started", Long.toString(System.currentTimeMillis()));
        call("XADD", "{d4j}:work:default", "*", "job", id);
        call("XREADGROUP", "GROUP", "workers", "dead-worker", "COUNT", "1", "STREAMS", "{d4j}:work:default", ">");
        delete(base, API + "/jobs/" + busy); // frees the live worker's slot

        List<Event> events;
        try (Sse sse = new Sse(uri(base, API + "/jobs/" + id + "/events"), null)) {
            events = sse.rest();
        }
        assertThat(events).extracting(Event::name).contains("restarted").endsWith("completed");
        Event restarted = events.stream().filter(e -> e.name().equals("restarted")).findFirst().orElseThrow();
        assertThat(restarted.json().get("attempt").asInt()).isEqualTo(2);
        assertThat(restarted.json().get("reason").asText()).contains("dead-worker");
        assertThat(events.stream().filter(e -> e.name().equals("completed")).count()).isEqualTo(1);
        assertThat(json(get(base, API + "/jobs/" + id).body()).get("attempts").asInt())
                .as("the job status counts the restart").isEqualTo(2);
        assertThat(call("XPENDING", "{d4j}:work:default", "workers").get(0).toLong())
                .as("no pending entry left").isZero();
    }

    private Response call(String command, String... args) {
        Request r = Request.cmd(Command.create(command));
        for (String a : args) {
            r.arg(a);
        }
        return redis.send(r).await().atMost(Duration.ofSeconds(10));
    }

    private String submit(String body, String apiKey) {
        HttpResponse<String> accepted = post(base, API + "/jobs", body, apiKey);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return json(accepted.body()).get("id").asText();
    }

    private void awaitState(String id, String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String current = null;
        while (System.nanoTime() < deadline) {
            current = json(get(base, API + "/jobs/" + id).body()).get("state").asText();
            if (current.equals(state)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("job " + id + " is " + current + ", not " + state);
    }
}

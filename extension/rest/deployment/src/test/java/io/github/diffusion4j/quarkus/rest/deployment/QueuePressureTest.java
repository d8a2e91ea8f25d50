package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.Sse;
import io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.SseReader;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/** A small queue (capacity 2, one job at a time) under load: 503 with Retry-After, never a hang. */
class QueuePressureTest {

    private static final Logger LOG = Logger.getLogger(QueuePressureTest.class);

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, Sse.class, SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("bench"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.cpu-threads", "1")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.scheduler", "euler")
            .overrideConfigKey("quarkus.diffusion4j.preview-interval", "0")
            .overrideConfigKey("quarkus.diffusion4j.queue.capacity", "2")
            .overrideConfigKey("quarkus.diffusion4j.queue.concurrency", "1");

    @TestHTTPResource("/")
    URI base;

    @Inject
    GenerationQueue queue;

    @Test
    void fullQueueAnswers503WithRetryAfter() throws Exception {
        List<String> ids = new ArrayList<>();
        String slow = "{\"prompt\":\"slow\",\"steps\":150}";
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> accepted = send(post(base, "/diffusion/v1/jobs", slow).build());
            assertThat(accepted.statusCode()).isEqualTo(202);
            ids.add(json(accepted.body()).get("id").asText());
        }
        // one running, two waiting: the queue is full
        JsonNode third = json(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + ids.get(2))).build()).body());
        assertThat(third.get("state").asText()).isEqualTo("queued");
        assertThat(third.get("position").asInt()).isEqualTo(2);
        assertThat(third.has("etaMillis")).isTrue();

        HttpResponse<String> rejected = send(post(base, "/diffusion/v1/jobs", slow).build());
        assertThat(rejected.statusCode()).isEqualTo(503);
        assertThat(rejected.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(rejected.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(rejected.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:diffusion4j:problem:queue-full");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        HttpResponse<String> rejectedStream = send(post(base, "/diffusion/v1/images/stream", slow).build());
        assertThat(rejectedStream.statusCode()).isEqualTo(503);

        // cancelling the second frees a place: the third moves up to position 1
        send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + ids.get(1))).DELETE().build());
        JsonNode moved = json(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + ids.get(2))).build()).body());
        assertThat(moved.get("position").asInt()).isEqualTo(1);
        for (String id : ids) {
            send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id)).DELETE().build());
        }
        assertThat(queue.queueDepth()).isZero();
        assertThat(queue.activeJobs()).isZero();
    }

    @Test
    void twentyConcurrentStreamsCompleteOrAreRejectedCleanly() throws Exception {
        int clients = 20;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int seed = i;
                outcomes.add(pool.submit(() -> {
                    try (SseReader reader = new SseReader(post(base, "/diffusion/v1/images/stream",
                            "{\"prompt\":\"crowd\",\"seed\":" + seed + "}").build())) {
                        if (reader.status() == 503) {
                            assertThat(reader.response.headers().firstValue("Retry-After")).isPresent();
                            return "rejected";
                        }
                        assertThat(reader.status()).isEqualTo(200);
                        List<Sse> events = reader.rest();
                        return events.get(events.size() - 1).event();
                    }
                }));
            }
            int completed = 0;
            int rejected = 0;
            for (Future<String> outcome : outcomes) {
                String result = outcome.get(120, TimeUnit.SECONDS); // bounded: a hang fails the test
                if (result.equals("completed")) {
                    completed++;
                } else if (result.equals("rejected")) {
                    rejected++;
                } else {
                    throw new AssertionError("A stream ended with " + result);
                }
            }
            LOG.infof("20 concurrent streams: %d completed, %d rejected with 503", completed, rejected);
            assertThat(completed + rejected).isEqualTo(clients);
            // at least the queue's capacity gets in: when all 20 arrive before the worker has taken the first job
            // (an idle machine), exactly the 2 waiting places are filled; a slower start lets a third one run
            assertThat(completed).isGreaterThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(queue.queueDepth()).isZero();
        assertThat(queue.activeJobs()).isZero();
    }
}

package io.github.diffusion4j.quarkus.redis.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.quarkus.redis.test.Http;
import io.github.diffusion4j.quarkus.redis.test.RedisServer;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.github.diffusion4j.quarkus.redis.test.Http.delete;
import static io.github.diffusion4j.quarkus.redis.test.Http.get;
import static io.github.diffusion4j.quarkus.redis.test.Http.json;
import static io.github.diffusion4j.quarkus.redis.test.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An API-only node ({@code queue.worker=false}): it loads no model and validates requests against the model a worker
 * published in Redis (here published by the test, with limits no local model has), and queues valid ones for the
 * workers; the stream of a job that waits gets keep-alive comments.
 */
class ApiOnlyNodeTest {

    static final RedisServer REDIS = RedisServer.start();
    static final String API = "/diffusion/v1";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(REDIS::close));
        ModelDescriptor published = new ModelDescriptor("default", "optimum", "fp16", "cuda:0", "StableDiffusionPipeline",
                1234, "euler", 12, 6.0, 256, 256, 64, 512, 512, 40, 2, 200, List.of("euler", "ddim"));
        try {
            String json = Http.JSON.writeValueAsString(published).replace("\"", "\\\"");
            assertThat(REDIS.value("SET {d4j}:model:default \"" + json + "\"")).isEqualTo("+OK");
            assertThat(REDIS.value("SADD {d4j}:models default")).isEqualTo(":1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Http.class, Http.Event.class, Http.Sse.class, RedisServer.class))
            // configured but not loaded: an API-only node runs no model
            .overrideConfigKey("quarkus.diffusion4j.path", System.getProperty("diffusion4j.testModels") + "/optimum-new")
            .overrideConfigKey("quarkus.diffusion4j.queue.backend", "redis")
            .overrideConfigKey("quarkus.diffusion4j.queue.worker", "false")
            .overrideConfigKey("quarkus.diffusion4j.jobs.sse-heartbeat", "300MS")
            .overrideConfigKey("quarkus.redis.hosts", REDIS.url())
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false");

    @TestHTTPResource("/")
    URI base;

    @Inject
    DiffusionModels models;

    /** Reads the raw event stream of a waiting job for about 1.5 s and counts its {@code :} comment lines. */
    private int keepAliveLines(String id) {
        HttpRequest request = HttpRequest.newBuilder(Http.uri(base, API + "/jobs/" + id + "/events"))
                .header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofLines());
            AtomicInteger comments = new AtomicInteger();
            Thread reader = new Thread(() -> response.body().forEach(line -> {
                if (line.startsWith(":")) {
                    comments.incrementAndGet();
                }
            }));
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(1500);
            return comments.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void validatesAgainstThePublishedModelAndQueuesForTheWorkers() {
        assertThat(models.get("default")).as("no pipeline loaded here").isEmpty();
        JsonNode listed = json(get(base, API + "/models").body());
        assertThat(listed.get(0).get("name").asText()).isEqualTo("default");
        assertThat(listed.get(0).get("provider").asText()).as("the worker's description").isEqualTo("cuda:0");
        assertThat(listed.get(0).get("limits").get("maxSteps").asInt()).isEqualTo(40);

        HttpResponse<String> invalid = post(base, API + "/jobs",
                "{\"prompt\":\"x\",\"width\":1024,\"steps\":41,\"scheduler\":\"pndm\"}", null);
        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode problem = json(invalid.body());
        assertThat(problem.get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("width", "steps", "scheduler");
        assertThat(invalid.body()).contains("between 64 and 512").contains("between 1 and 40").contains("[euler, ddim]");

        HttpResponse<String> accepted = post(base, API + "/jobs", "{\"prompt\":\"x\",\"width\":128,\"steps\":40}", null);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = json(accepted.body()).get("id").asText();
        JsonNode status = json(get(base, API + "/jobs/" + id).body());
        assertThat(status.get("state").asText()).isEqualTo("queued");
        assertThat(status.get("position").asInt()).isEqualTo(1);
        assertThat(keepAliveLines(id)).as("comment lines on the stream of a job that waits").isGreaterThanOrEqualTo(2);
        assertThat(delete(base, API + "/jobs/" + id).statusCode()).isEqualTo(204);
        assertThat(json(get(base, API + "/jobs/" + id).body()).get("state").asText()).isEqualTo("cancelled");
    }
}

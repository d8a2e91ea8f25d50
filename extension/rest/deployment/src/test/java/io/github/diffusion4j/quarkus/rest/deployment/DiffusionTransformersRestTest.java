package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationListener;
import io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.Sse;
import io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.SseReader;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SD3 and FLUX.1 named models through REST: per-component providers in {@code /v1/models}, jobs streamed over SSE
 * with previews, FLUX's true CFG, and a cancel that stops a FLUX job within one denoiser evaluation.
 */
class DiffusionTransformersRestTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, Sse.class, SseReader.class,
                    DenoiserEvaluations.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"flux\".path", RestTestSupport.model("flux-dev"))
            .overrideConfigKey("quarkus.diffusion4j.\"flux\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"flux\".components.\"text_encoder_2\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"flux\".components.\"text_encoder_2\".unload-after-use", "true")
            .overrideConfigKey("quarkus.diffusion4j.\"sd3\".path", RestTestSupport.model("sd3"))
            .overrideConfigKey("quarkus.diffusion4j.\"sd3\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"fluxbench\".path", RestTestSupport.model("flux-bench"))
            .overrideConfigKey("quarkus.diffusion4j.\"fluxbench\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"fluxbench\".cpu-threads", "1")
            .overrideConfigKey("quarkus.diffusion4j.\"fluxbench\".limits.max-steps", "300");

    @TestHTTPResource("/")
    URI base;

    @Inject
    DenoiserEvaluations evaluations;

    /** The denoiser evaluations each generation's step events report, by prompt (the server's count, not time). */
    @ApplicationScoped
    public static class DenoiserEvaluations implements GenerationListener {
        final Map<String, AtomicInteger> byPrompt = new ConcurrentHashMap<>();

        @Override
        public void onEvent(Generation generation, GenerationEvent event) {
            if (event instanceof GenerationEvent.Step step) {
                byPrompt.computeIfAbsent(generation.request().prompt(), p -> new AtomicInteger())
                        .set(step.evaluations());
            }
        }

        int of(String prompt) {
            AtomicInteger n = byPrompt.get(prompt);
            return n == null ? 0 : n.get();
        }
    }

    @Test
    void modelsListEachComponentWithItsProvider() {
        JsonNode models = json(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/models")).build()).body());
        JsonNode flux = null;
        for (JsonNode m : models) {
            if (m.get("name").asText().equals("flux")) {
                flux = m;
            }
        }
        assertThat(flux).isNotNull();
        assertThat(flux.get("family").asText()).isEqualTo("flux");
        List<String> names = new ArrayList<>();
        for (JsonNode c : flux.get("components")) {
            names.add(c.get("name").asText());
            assertThat(c.get("provider").asText()).isEqualTo("cpu");
            assertThat(c.get("loadTimeMillis").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(c.get("unloadAfterUse").asBoolean()).isEqualTo(c.get("name").asText().equals("text_encoder_2"));
        }
        assertThat(names).containsExactlyInAnyOrder("transformer", "text_encoder", "text_encoder_2", "vae_decoder");
    }

    @Test
    void fluxAndSd3JobsStreamStepsWithPreviews() throws Exception {
        for (String model : List.of("flux", "sd3")) {
            // a job's history keeps only the newest preview: hold the queue with a long job, listen to the queued
            // one from its start, then let it run
            String blockerPrompt = "holds the queue for " + model;
            String blocker = submit("{\"prompt\":\"" + blockerPrompt + "\",\"model\":\"fluxbench\",\"steps\":300,"
                    + "\"width\":256,\"height\":256,\"previewInterval\":0}");
            awaitEvaluations(blockerPrompt, 1);
            String id = submit("{\"prompt\":\"a lighthouse\",\"model\":\"" + model + "\",\"steps\":3,"
                    + "\"width\":64,\"height\":48,\"seed\":4,\"previewInterval\":1}");
            List<Sse> events;
            try (SseReader reader = new SseReader(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id + "/events"))
                    .build())) {
                assertThat(reader.next().event()).as(model).isEqualTo("queued");
                cancel(blocker);
                events = reader.rest();
            }
            List<Sse> steps = events.stream().filter(e -> e.event().equals("step")).toList();
            assertThat(steps).as(model).hasSize(3).allSatisfy(step -> assertThat(step.json().has("preview"))
                    .as(step.data()).isTrue());
            assertThat(steps).allSatisfy(step ->
                    assertThat(step.json().get("preview").asText()).startsWith("data:image/png;base64,"));
            assertThat(events.get(events.size() - 1).event()).as(model).isEqualTo("completed");
        }
    }

    @Test
    void fluxTrueCfgRunsTheNegativeRowsAndIsCheckedByName() {
        List<Sse> events = jobEvents("{\"prompt\":\"a lighthouse\",\"negativePrompt\":\"fog\",\"trueCfgScale\":2.5,"
                + "\"model\":\"flux\",\"steps\":2,\"width\":64,\"height\":64,\"seed\":4,\"previewInterval\":0}");
        JsonNode started = events.stream().filter(e -> e.event().equals("started")).findFirst().orElseThrow().json();
        assertThat(started.get("guided").asBoolean()).as(started.toString()).isTrue();
        assertThat(events.get(events.size() - 1).event()).isEqualTo("completed");

        HttpResponse<String> bad = send(post(base, "/diffusion/v1/jobs",
                "{\"prompt\":\"x\",\"model\":\"flux\",\"trueCfgScale\":0.5}").build());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("trueCfgScale").contains("between 1 and");
        HttpResponse<String> notFlux = send(post(base, "/diffusion/v1/jobs",
                "{\"prompt\":\"x\",\"model\":\"sd3\",\"negativePrompt\":\"y\",\"trueCfgScale\":2}").build());
        assertThat(notFlux.statusCode()).isEqualTo(400);
        assertThat(notFlux.body()).contains("trueCfgScale applies only to FLUX.1 models");
    }

    @Test
    void cancellingAFluxJobStopsItWithinOneDenoiserEvaluation() throws Exception {
        String prompt = "a long FLUX job";
        String id = submit("{\"prompt\":\"" + prompt + "\",\"model\":\"fluxbench\",\"steps\":300,\"width\":256,"
                + "\"height\":256,\"previewInterval\":0}");
        awaitEvaluations(prompt, 2);
        int atCancel = evaluations.of(prompt);
        cancel(id);
        // the evaluation in flight at the DELETE may still complete; none after it
        assertThat(evaluations.of(prompt)).as("denoiser evaluations after the cancel").isBetween(atCancel, atCancel + 1);
    }

    private String submit(String body) {
        HttpResponse<String> submitted = send(post(base, "/diffusion/v1/jobs", body).build());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        return json(submitted.body()).get("id").asText();
    }

    private void cancel(String id) throws InterruptedException {
        HttpResponse<String> deleted = send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id)).DELETE().build());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(awaitState(id, "cancelled", Duration.ofSeconds(60)).get("state").asText()).isEqualTo("cancelled");
    }

    private void awaitEvaluations(String prompt, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (evaluations.of(prompt) < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(evaluations.of(prompt)).as("denoiser evaluations of '" + prompt + "'").isGreaterThanOrEqualTo(n);
    }

    private List<Sse> jobEvents(String body) {
        HttpResponse<String> submitted = send(post(base, "/diffusion/v1/jobs", body).build());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = json(submitted.body()).get("id").asText();
        try (SseReader reader = new SseReader(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id + "/events"))
                .build())) {
            return reader.rest();
        }
    }

    private JsonNode awaitState(String id, String state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job;
        do {
            job = json(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/jobs/" + id)).build()).body());
            if (job.get("state").asText().equals(state)) {
                return job;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return job;
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.devui.DiffusionJsonRpcService;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.MemoryGenerationQueue;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dev UI playground's streaming JSON-RPC method: step previews as they come, every field error at once. */
class DevUiJsonRpcTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            // the Dev UI's JSON-RPC service is a bean in dev mode only: made one here to call it
            .addBuildChainCustomizer(chain -> chain.addBuildStep(context -> context.produce(
                            AdditionalBeanBuildItem.unremovableOf(DiffusionJsonRpcService.class)))
                    .produces(AdditionalBeanBuildItem.class).build())
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu");

    @Inject
    DiffusionJsonRpcService devUi;

    @Inject
    GenerationQueue queue;

    @Test
    void streamsStartStepsWithPreviewsAndTheImage() {
        List<Map<String, Object>> events = devUi.generate("default", "a red circle", null, "euler", 3, 5.0, 64, 64, 9L, 1, 1)
                .collect().asList().await().atMost(Duration.ofSeconds(60));
        assertThat(events).extracting(e -> e.get("type")).containsExactly("started", "step", "step", "step", "completed");
        assertThat(events.get(0).get("seed")).isEqualTo(9L);
        assertThat(events.subList(1, 4)).allSatisfy(step ->
                assertThat((String) step.get("preview")).startsWith("data:image/png;base64,"));
        assertThat((String) events.get(4).get("image")).startsWith("data:image/png;base64,");
        assertThat((String) events.get(4).get("parameters")).startsWith("a red circle\n");
        // the playground's generation is listed in the jobs like any other
        assertThat(devUi.getRecentJobs()).first().satisfies(job -> {
            assertThat(job.get("seed")).isEqualTo(9L);
            assertThat(job.get("state")).isEqualTo("completed");
        });
    }

    @Test
    void aBatchCompletesWithEveryImage() {
        List<Map<String, Object>> events = devUi.generate("default", "two trees", null, "euler", 2, 5.0, 64, 64, 3L, 2, 1)
                .collect().asList().await().atMost(Duration.ofSeconds(60));
        Map<String, Object> completed = events.get(events.size() - 1);
        assertThat(completed.get("type")).isEqualTo("completed");
        assertThat((List<?>) completed.get("images")).hasSize(2)
                .allSatisfy(uri -> assertThat((String) uri).startsWith("data:image/png;base64,"));
    }

    @Test
    void theJobsPageCancelsARunningPlaygroundGeneration() throws InterruptedException {
        List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
        CountDownLatch firstStep = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        devUi.generate("default", "a long walk", null, "euler", 150, 5.0, 64, 64, 4L, 1, 1).subscribe().with(e -> {
            events.add(e);
            if ("step".equals(e.get("type"))) {
                firstStep.countDown();
            }
        }, f -> ended.countDown(), ended::countDown);
        assertThat(firstStep.await(60, TimeUnit.SECONDS)).isTrue();
        String jobId = (String) events.get(0).get("jobId");
        assertThat(devUi.getRecentJobs()).filteredOn(j -> j.get("id").equals(jobId)).singleElement()
                .satisfies(job -> assertThat(job.get("cancellable")).isEqualTo(true));

        assertThat(devUi.cancelJob(jobId).get("cancelled")).isEqualTo(true);
        assertThat(ended.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(events.get(events.size() - 1).get("type")).isEqualTo("cancelled");
        assertThat(events).filteredOn(e -> "step".equals(e.get("type"))).size().isLessThan(150);
        // the generation stops: its row ends as cancelled, and is no longer cancellable
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Object> row;
        do {
            Thread.sleep(20);
            row = devUi.getRecentJobs().stream().filter(j -> j.get("id").equals(jobId)).findFirst().orElseThrow();
        } while (!"cancelled".equals(row.get("state")) && System.nanoTime() < deadline);
        assertThat(row.get("state")).isEqualTo("cancelled");
        assertThat(row.get("cancellable")).isEqualTo(false);
        assertThat(devUi.cancelJob(jobId).get("cancelled")).isEqualTo(false);
    }

    @Test
    void everyFieldErrorAtOnce() {
        List<Map<String, Object>> events = devUi.generate("default", "a red circle", null, "nope", 100000, -1.0, 63, 64,
                null, 0, 1).collect().asList().await().atMost(Duration.ofSeconds(10));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("type")).isEqualTo("invalid");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> violations = (List<Map<String, Object>>) events.get(0).get("violations");
        assertThat(violations).extracting(v -> v.get("field")).contains("width", "guidanceScale", "batchSize");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> forTheModel = (List<Map<String, Object>>) devUi.generate("default", "a red circle",
                null, "nope", 100000, null, 64, 64, null, 1, 1).collect().asList().await().atMost(Duration.ofSeconds(10))
                .get(0).get("violations");
        assertThat(forTheModel).extracting(v -> v.get("field")).contains("scheduler", "steps");
        assertThat(devUi.generate("nope", "x", null, null, null, null, null, null, null, null, null)
                .collect().asList().await().atMost(Duration.ofSeconds(10)).get(0).get("type")).isEqualTo("invalid");
    }

    @Test
    void modelsCarryTheSchedulersForThePicker() {
        assertThat(devUi.getModels()).singleElement().satisfies(model -> {
            assertThat(model.get("name")).isEqualTo("default");
            assertThat(model.get("schedulers")).asList().contains("euler", "ddim");
            assertThat(model.get("sizeMultiple")).isEqualTo(16);
            assertThat((Integer) model.get("maxBatch")).isPositive();
            // each component with the provider it runs on and its load time (the models page shows them)
            assertThat(model.get("components")).asList().isNotEmpty().allSatisfy(c -> {
                Map<?, ?> component = (Map<?, ?>) c;
                assertThat(component.get("provider")).isEqualTo("cpu");
                assertThat(component.get("loadTimeMs")).isInstanceOf(Long.class);
            });
            List<String> names = ((List<?>) model.get("components")).stream()
                    .map(c -> String.valueOf(((Map<?, ?>) c).get("name"))).toList();
            assertThat(names).contains("unet", "text_encoder", "vae_decoder");
        });
    }

    /**
     * The jobs page's stream pushes the jobs waiting in the queue: a {@code queue:} row as soon as one is queued (its
     * slot held here by a generation that never ends), a {@code removed} row once it leaves the queue.
     */
    @Test
    void theJobsStreamShowsQueuedJobsComingAndGoing() {
        AssertSubscriber<Map<String, Object>> page = devUi.streamJobs().subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        Job blocker = ((MemoryGenerationQueue) queue).submit("default", "cpu",
                GenerationRequest.builder("holds the slot").build(), Multi.createFrom().emitter(e -> { }));
        Job waiting = queue.submit("default", GenerationRequest.builder("waits its turn").size(64, 64).steps(2).build());
        try {
            assertThat(waiting.state()).isEqualTo(JobState.QUEUED);
            String rowId = "queue:" + waiting.id();
            awaitRow(page, r -> rowId.equals(r.get("id")) && "queued".equals(r.get("state"))
                    && "waits its turn".equals(r.get("prompt")) && Boolean.TRUE.equals(r.get("cancellable")));
            assertThat(waiting.cancel()).isTrue();
            awaitRow(page, r -> rowId.equals(r.get("id")) && Boolean.TRUE.equals(r.get("removed")));
        } finally {
            blocker.cancel();
            page.cancel();
        }
    }

    private static void awaitRow(AssertSubscriber<Map<String, Object>> page, Predicate<Map<String, Object>> row) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (page.getItems().stream().noneMatch(row) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(page.getItems()).as("rows of the jobs stream").anyMatch(row);
    }
}

package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.model.DirectTensor;
import io.github.diffusion4j.noise.NoiseSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The denoising loop as a stream of events: laziness, order, guidance batching, seeds, previews, truncation. */
class GenerationTest {

    private static DiffusionPipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = TestModels.pipeline("optimum-new");
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private static GenerationRequest.Builder request() {
        return GenerationRequest.builder("a small red circle on the left").steps(4).seed(42L).guidanceScale(7.0);
    }

    @Test
    void nothingRunsBeforeSubscription() throws Exception {
        AtomicInteger submitted = new AtomicInteger();
        ExecutorService delegate = Executors.newSingleThreadExecutor();
        ExecutorService counting = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable command) {
                submitted.incrementAndGet();
                delegate.execute(command);
            }

            @Override
            public void shutdown() {
                delegate.shutdown();
            }

            @Override
            public List<Runnable> shutdownNow() {
                return delegate.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return delegate.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return delegate.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
                return delegate.awaitTermination(timeout, unit);
            }
        };
        try (DiffusionPipeline p = DiffusionPipeline.builder(TestModels.model("optimum-new"))
                .provider(ExecutionProvider.CPU).cpuThreads(1).executor(counting).build()) {
            Multi<GenerationEvent> events = p.generate(request().build());
            assertThat(submitted).hasValue(0);
            AssertSubscriber<GenerationEvent> sub = events.subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            sub.awaitCompletion(Duration.ofSeconds(30));
            assertThat(submitted).hasValue(1);
            // Cold: a second subscription runs a second generation with the same seed and result.
            AssertSubscriber<GenerationEvent> again = events.subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            again.awaitCompletion(Duration.ofSeconds(30));
            assertThat(submitted).hasValue(2);
            assertThat(pixels(completed(again.getItems()).image().image()))
                    .isEqualTo(pixels(completed(sub.getItems()).image().image()));
        } finally {
            delegate.shutdownNow();
        }
    }

    @Test
    void eventsComeInOrderAndTheLoopRunsOffTheSubscriberThread() {
        Thread caller = Thread.currentThread();
        AtomicInteger offThread = new AtomicInteger();
        AssertSubscriber<GenerationEvent> sub = pipeline.generate(request().build())
                .onItem().invoke(e -> {
                    if (Thread.currentThread() != caller && Thread.currentThread().getName().startsWith("diffusion4j-generate-")) {
                        offThread.incrementAndGet();
                    }
                })
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        sub.awaitCompletion(Duration.ofSeconds(30));
        List<GenerationEvent> items = sub.getItems();
        assertThat(offThread.get()).isEqualTo(items.size());
        assertThat(items.get(0)).isInstanceOf(GenerationEvent.Started.class);
        GenerationEvent.Started started = (GenerationEvent.Started) items.get(0);
        assertThat(started.seed()).isEqualTo(42L);
        assertThat(started.guided()).isTrue();
        assertThat(started.scheduler()).isEqualTo("pndm");
        List<GenerationEvent.Step> steps = items.stream().filter(GenerationEvent.Step.class::isInstance)
                .map(GenerationEvent.Step.class::cast).toList();
        // PNDM's PLMS warm-up repeats one timestep: 4 inference steps are 5 model evaluations in diffusers, and its
        // progress bar counts 4 steps (the warm-up evaluation completes none).
        assertThat(started.modelEvaluations()).isEqualTo(5);
        assertThat(started.family()).isEqualTo("sd");
        assertThat(started.noiseSource()).isEqualTo("torch");
        assertThat(steps).hasSize(4);
        assertThat(steps).extracting(GenerationEvent.Step::evaluations).containsExactly(2, 3, 4, 5);
        for (int i = 0; i < steps.size(); i++) {
            assertThat(steps.get(i).index()).isEqualTo(i + 1);
            assertThat(steps.get(i).total()).isEqualTo(4);
            assertThat(steps.get(i).preview()).isNotNull();
            assertThat(steps.get(i).preview().width()).isEqualTo(8);
        }
        assertThat(steps.get(3).progress()).isEqualTo(1.0);
        assertThat(items.get(items.size() - 1)).isInstanceOf(GenerationEvent.Completed.class);
        assertThat(items).hasSize(1 + 4 + 1);
    }

    @Test
    void guidanceBatchesUncondAndCondInOneUnetCallPerStep() {
        GenerationResult guided = pipeline.generateBlocking(request().scheduler("ddim").steps(6).build());
        assertThat(guided.unetRuns()).isEqualTo(6);
        GenerationResult unguided = pipeline.generateBlocking(request().scheduler("ddim").steps(6).guidanceScale(1.0).build());
        assertThat(unguided.unetRuns()).isEqualTo(6);
        assertThat(pixels(unguided.image().image())).isNotEqualTo(pixels(guided.image().image()));
    }

    @Test
    void fixedBatchUnetFallsBackToTwoCallsPerStep() {
        try (DiffusionPipeline p = TestModels.pipeline("static-batch")) {
            GenerationResult r = p.generateBlocking(request().scheduler("euler").steps(3).build());
            assertThat(r.unetRuns()).isEqualTo(6);
            GenerationResult batched = pipeline.generateBlocking(request().scheduler("euler").steps(3).build());
            assertThat(batched.unetRuns()).isEqualTo(3);
        }
    }

    @Test
    void sameSeedSameImageDifferentSeedDifferentImage() {
        GenerationResult a = pipeline.generateBlocking(request().scheduler("euler").build());
        GenerationResult b = pipeline.generateBlocking(request().scheduler("euler").build());
        GenerationResult c = pipeline.generateBlocking(request().scheduler("euler").seed(43L).build());
        assertThat(a.image().png()).isEqualTo(b.image().png());
        assertThat(pixels(a.image().image())).isNotEqualTo(pixels(c.image().image()));
    }

    @Test
    void explicitInitialLatentsReproduceTheSeededNoise() {
        float[] noise = NoiseSource.TORCH.newGenerator(42L).randn(4 * 8 * 8);
        GenerationResult seeded = pipeline.generateBlocking(request().scheduler("ddim").build());
        GenerationResult explicit = pipeline.generateBlocking(request().scheduler("ddim").seed(0L).initialLatents(noise).build());
        assertThat(pixels(explicit.image().image())).isEqualTo(pixels(seeded.image().image()));
        float[] numpyNoise = NoiseSource.NUMPY.newGenerator(42L).randn(4 * 8 * 8);
        GenerationResult numpy = pipeline.generateBlocking(request().scheduler("ddim").noiseSource(NoiseSource.NUMPY).build());
        GenerationResult numpyExplicit = pipeline.generateBlocking(request().scheduler("ddim").initialLatents(numpyNoise).build());
        assertThat(pixels(numpyExplicit.image().image())).isEqualTo(pixels(numpy.image().image()));
        assertThat(pixels(numpy.image().image())).isNotEqualTo(pixels(seeded.image().image()));
    }

    @Test
    void missingSeedIsDrawnAndReported() {
        GenerationRequest noSeed = request().seed(null).build();
        List<GenerationEvent> events = pipeline.generate(noSeed).collect().asList().await().atMost(Duration.ofSeconds(30));
        long seed = ((GenerationEvent.Started) events.get(0)).seed();
        GenerationResult result = ((GenerationEvent.Completed) events.get(events.size() - 1)).result();
        assertThat(result.seed()).isEqualTo(seed);
        assertThat(seed).isBetween(0L, 0xFFFFFFFFL);
        GenerationResult replay = pipeline.generateBlocking(request().seed(seed).build());
        assertThat(pixels(replay.image().image())).isEqualTo(pixels(result.image().image()));
    }

    @Test
    void truncatedPromptWordsAreReported() {
        String longPrompt = "red ".repeat(70) + "circle square triangle on the left of a blue background";
        // diffusers' truncation (long prompts off) reports what it cut
        List<GenerationEvent> events = pipeline.generate(request().prompt(longPrompt).steps(1).longPrompts(false).build())
                .collect().asList().await().atMost(Duration.ofSeconds(30));
        GenerationEvent.Started started = (GenerationEvent.Started) events.get(0);
        assertThat(started.promptDroppedWords()).isNotEmpty().endsWith("background");
        assertThat(started.negativeDroppedWords()).isEmpty();
        // A1111 chunking (the default) cuts nothing, and says so
        GenerationEvent.Started chunked = (GenerationEvent.Started) pipeline.generate(request().prompt(longPrompt)
                .steps(1).build()).collect().asList().await().atMost(Duration.ofSeconds(30)).get(0);
        assertThat(chunked.promptDroppedWords()).isEmpty();
    }

    @Test
    void previewIntervalAndOff() {
        List<GenerationEvent> every2 = pipeline.generate(request().scheduler("euler").steps(5).previewInterval(2).build())
                .collect().asList().await().atMost(Duration.ofSeconds(30));
        List<Boolean> has = every2.stream().filter(GenerationEvent.Step.class::isInstance)
                .map(e -> ((GenerationEvent.Step) e).preview() != null).toList();
        assertThat(has).containsExactly(false, true, false, true, true);
        List<GenerationEvent> off = pipeline.generate(request().scheduler("euler").steps(3).previewInterval(0).build())
                .collect().asList().await().atMost(Duration.ofSeconds(30));
        assertThat(off.stream().filter(GenerationEvent.Step.class::isInstance)
                .allMatch(e -> ((GenerationEvent.Step) e).preview() == null)).isTrue();
        GenerationEvent.Step euler = (GenerationEvent.Step) off.get(1);
        assertThat(euler.sigma()).isPresent();
    }

    @Test
    void everyTensorIsClosedAfterCompletionAndFailure() {
        int before = DirectTensor.openTensors();
        pipeline.generateBlocking(request().batchSize(2).build());
        assertThat(DirectTensor.openTensors()).isEqualTo(before);
    }

    @Test
    void uniAndBlockingConveniences() {
        GeneratedImage image = pipeline.generateImage(request().build()).await().atMost(Duration.ofSeconds(30));
        assertThat(image.metadata().seed()).isEqualTo(42L);
        GenerationResult batch = pipeline.generateBlocking(request().batchSize(3).build());
        assertThat(batch.images()).hasSize(3);
        assertThat(batch.images().get(2).metadata().batchIndex()).isEqualTo(2);
        assertThat(pixels(batch.images().get(0).image())).isNotEqualTo(pixels(batch.images().get(1).image()));
        assertThat(batch.timings().onnxRun()).isPositive();
        assertThat(batch.timings().total()).isGreaterThanOrEqualTo(batch.timings().denoising());
    }

    static GenerationResult completed(List<GenerationEvent> events) {
        return ((GenerationEvent.Completed) events.get(events.size() - 1)).result();
    }

    static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void stepLatentsAreAttachedOnlyWhenAsked() {
        List<GenerationEvent.Step> plain = steps(pipeline.generate(request().scheduler("euler").build()));
        assertThat(plain).allSatisfy(st -> {
            assertThat(st.latents()).isNull();
            assertThat(st.predictedOriginal()).isNull();
        });
        List<GenerationEvent.Step> withLatents = steps(pipeline.generate(request().scheduler("euler").batchSize(2)
                .includeLatents(true).build()));
        assertThat(withLatents).hasSize(4).allSatisfy(st -> {
            assertThat(st.latents()).hasSize(2 * 4 * 8 * 8);
            assertThat(st.predictedOriginal()).hasSize(2 * 4 * 8 * 8);
        });
        // copies, one per step: the trajectory moves
        assertThat(withLatents.get(0).latents()).isNotEqualTo(withLatents.get(3).latents());
        // PNDM keeps no x0 estimate (diffusers' PNDMSchedulerOutput has none)
        assertThat(steps(pipeline.generate(request().includeLatents(true).build())))
                .allSatisfy(st -> assertThat(st.predictedOriginal()).isNull());
    }

    private static List<GenerationEvent.Step> steps(io.smallrye.mutiny.Multi<GenerationEvent> events) {
        return events.filter(GenerationEvent.Step.class::isInstance).map(GenerationEvent.Step.class::cast)
                .collect().asList().await().atMost(Duration.ofSeconds(30));
    }
}

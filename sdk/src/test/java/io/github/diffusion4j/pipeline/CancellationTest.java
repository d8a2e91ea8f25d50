package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.DiffusionException;
import io.github.diffusion4j.model.DirectTensor;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cancelling the subscription stops the loop within one step and releases every tensor. */
class CancellationTest {

    @Test
    void cancelMidLoopStopsAndClosesEverything() throws Exception {
        // The bench UNet takes ~100 ms per call at 512x512, so a cancel lands while a run is in flight.
        try (DiffusionPipeline pipeline = TestModels.pipeline("bench")) {
            int before = DirectTensor.openTensors();
            CountDownLatch firstStep = new CountDownLatch(1);
            AtomicInteger stepsSeen = new AtomicInteger();
            AssertSubscriber<GenerationEvent> sub = pipeline.generate(GenerationRequest.builder("a blue square")
                            .steps(200).scheduler("euler").seed(1L).guidanceScale(7.5).build())
                    .onItem().invoke(e -> {
                        if (e instanceof GenerationEvent.Step) {
                            stepsSeen.incrementAndGet();
                            firstStep.countDown();
                        }
                    })
                    .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            assertThat(firstStep.await(60, TimeUnit.SECONDS)).isTrue();
            sub.cancel();
            int atCancel = stepsSeen.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (DirectTensor.openTensors() != before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.sleep(5);
            }
            assertThat(DirectTensor.openTensors()).as("tensors still open after cancel").isEqualTo(before);
            assertThat(stepsSeen.get()).as("steps emitted after cancel").isLessThanOrEqualTo(atCancel + 1);
            assertThat(sub.getItems()).noneMatch(GenerationEvent.Completed.class::isInstance);
            assertThat(sub.getFailure()).isNull();

            // The pipeline is still usable after a terminated run.
            GenerationResult after = pipeline.generateBlocking(GenerationRequest.builder("a blue square").size(64, 64)
                    .steps(2).seed(1L).build());
            assertThat(after.images()).hasSize(1);
        }
    }

    @Test
    void cancelBeforeTheFirstStep() {
        try (DiffusionPipeline pipeline = TestModels.pipeline("optimum-new")) {
            int before = DirectTensor.openTensors();
            AssertSubscriber<GenerationEvent> sub = pipeline.generate(GenerationRequest.builder("x").steps(50).seed(3L).build())
                    .subscribe().withSubscriber(AssertSubscriber.create(1));
            sub.cancel();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (DirectTensor.openTensors() != before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(DirectTensor.openTensors()).isEqualTo(before);
            assertThat(sub.getItems()).noneMatch(GenerationEvent.Completed.class::isInstance);
            sub.assertNotTerminated();
        }
    }
    @Test
    void closingThePipelineDuringAGenerationFailsItsStreamAndWaitsForTheRun() throws Exception {
        // Closing the sessions while a run is inside ONNX Runtime crashed the JVM (SIGSEGV in libonnxruntime): a
        // Quarkus app shut down with a job still running. close() now terminates the run and waits for it.
        DiffusionPipeline pipeline = TestModels.pipeline("bench");
        int before = DirectTensor.openTensors();
        CountDownLatch firstStep = new CountDownLatch(1);
        AssertSubscriber<GenerationEvent> sub = pipeline.generate(GenerationRequest.builder("a blue square")
                        .steps(200).scheduler("euler").seed(1L).build())
                .onItem().invoke(e -> {
                    if (e instanceof GenerationEvent.Step) {
                        firstStep.countDown();
                    }
                })
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        assertThat(firstStep.await(60, TimeUnit.SECONDS)).isTrue();

        pipeline.close();

        // close() returned only after the run left ONNX Runtime: the generation's tensors are already released
        assertThat(DirectTensor.openTensors()).as("tensors still open after close").isEqualTo(before);
        sub.awaitFailure(java.time.Duration.ofSeconds(10));
        assertThat(sub.getFailure()).isInstanceOf(GenerationException.class)
                .hasMessage("Pipeline 'bench' was closed during the generation");
        assertThat(sub.getItems()).noneMatch(GenerationEvent.Completed.class::isInstance);

        // a closed pipeline says so instead of touching freed sessions
        AssertSubscriber<GenerationEvent> late = pipeline.generate(GenerationRequest.builder("x").steps(2).seed(1L).build())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        late.awaitFailure(java.time.Duration.ofSeconds(10));
        assertThat(late.getFailure()).isInstanceOf(DiffusionException.class);
        assertThatThrownBy(() -> pipeline.encodeImage(new java.awt.image.BufferedImage(64, 64,
                java.awt.image.BufferedImage.TYPE_INT_RGB)))
                .isInstanceOf(DiffusionException.class)
                .hasMessage("Pipeline 'bench' is closed");
        pipeline.close(); // idempotent
    }
    @Test
    void closingFromInsideAGenerationCallbackDoesNotWaitForItself() throws Exception {
        // A completion callback runs on the generation thread, inside the run: close() cannot wait for that run, so the
        // run closes the sessions itself when it leaves.
        DiffusionPipeline pipeline = TestModels.pipeline("optimum-new");
        CountDownLatch closed = new CountDownLatch(1);
        pipeline.generate(GenerationRequest.builder("x").steps(2).seed(1L).build())
                .subscribe().with(e -> { }, f -> { }, () -> {
                    pipeline.close();
                    closed.countDown();
                });
        assertThat(closed.await(10, TimeUnit.SECONDS)).as("close() returned inside the callback").isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pipeline.model().isClosed() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(pipeline.model().isClosed()).as("the sessions were closed once the run ended").isTrue();
    }
}

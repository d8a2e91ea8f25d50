package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.ExecutionProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Every generation reaches the pipeline's listeners, however it is consumed and however it ends. */
class ListenerTest {

    record End(GenerationListener.Outcome outcome, int steps, String task, String family) {
    }

    @Test
    void completedAndCancelledGenerationsAreObservedOnce() {
        List<GenerationEvent> events = new CopyOnWriteArrayList<>();
        List<End> ends = new CopyOnWriteArrayList<>();
        GenerationListener recorder = new GenerationListener() {
            @Override
            public void onEvent(Generation generation, GenerationEvent event) {
                events.add(event);
            }

            @Override
            public void onEnd(Generation generation, Outcome outcome, Duration duration, int steps, Throwable failure) {
                ends.add(new End(outcome, steps, generation.task(), generation.family()));
            }
        };
        GenerationListener broken = new GenerationListener() {
            @Override
            public void onEvent(Generation generation, GenerationEvent event) {
                throw new IllegalStateException("a listener bug must not break the stream");
            }
        };
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(TestModels.model("optimum-new"))
                .provider(ExecutionProvider.CPU).cpuThreads(1).listener(broken).listener(recorder).build()) {
            GenerationRequest request = GenerationRequest.builder("a red circle").size(64, 64).steps(4).seed(1L).build();
            assertThat(pipeline.generateBlocking(request).images()).hasSize(1);
            assertThat(ends).containsExactly(new End(GenerationListener.Outcome.COMPLETED, 4, "txt2img", "sd"));
            assertThat(events).hasSize(1 + 4 + 1);
            // a consumer that stops after the first step cancels the generation
            pipeline.generate(request).select().first(2).collect().asList().await().atMost(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ends.size() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(ends).hasSize(2);
            assertThat(ends.get(1).outcome()).isEqualTo(GenerationListener.Outcome.CANCELLED);
            assertThat(ends.get(1).steps()).isEqualTo(1);
        }
    }

    /**
     * {@code onSubscribe} runs on the subscribing thread, before the generation moves to the pipeline's executor (where
     * the events arrive): what lets tracing parent a generation to the caller's request.
     */
    @Test
    void subscriptionIsSeenOnTheSubscribingThreadAndEventsOnTheExecutor() {
        List<String> subscribedOn = new CopyOnWriteArrayList<>();
        List<String> startedOn = new CopyOnWriteArrayList<>();
        GenerationListener threads = new GenerationListener() {
            @Override
            public void onSubscribe(Generation generation) {
                subscribedOn.add(Thread.currentThread().getName());
            }

            @Override
            public void onEvent(Generation generation, GenerationEvent event) {
                if (event instanceof GenerationEvent.Started) {
                    startedOn.add(Thread.currentThread().getName());
                }
            }
        };
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(TestModels.model("optimum-new"))
                .provider(ExecutionProvider.CPU).cpuThreads(1).listener(threads).build()) {
            GenerationRequest request = GenerationRequest.builder("a red circle").size(64, 64).steps(2).seed(1L).build();
            pipeline.generateBlocking(request);
        }
        assertThat(subscribedOn).containsExactly(Thread.currentThread().getName());
        assertThat(startedOn).hasSize(1).allMatch(name -> name.startsWith("diffusion4j-generate-"));
    }
}

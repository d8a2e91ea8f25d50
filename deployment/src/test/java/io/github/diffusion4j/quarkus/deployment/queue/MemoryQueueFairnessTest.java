package io.github.diffusion4j.quarkus.deployment.queue;

import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.ImageMetadata;
import io.github.diffusion4j.pipeline.Timings;
import io.github.diffusion4j.quarkus.runtime.queue.ClientLimitException;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.LocalJob;
import io.github.diffusion4j.quarkus.runtime.queue.MemoryGenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.QueueSettings;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The memory queue's fairness and memory bounds, with synthetic generations: the per-client cap, round-robin between
 * clients, finished jobs capped by bytes, and no job kept for a client that never learnt its id. Plain JUnit.
 */
class MemoryQueueFairnessTest {

    private MemoryGenerationQueue queue;

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    /** A generation the test completes by hand (through the emitter it hands out). */
    private static Multi<GenerationEvent> manual(List<MultiEmitter<? super GenerationEvent>> emitters) {
        return Multi.createFrom().emitter(emitters::add);
    }

    private static GenerationEvent.Completed completed(int width) {
        ImageMetadata m = new ImageMetadata("p", "", 1, "euler", 1, 1, width, width, "m", 0, "torch");
        GeneratedImage image = new GeneratedImage(new BufferedImage(width, width, BufferedImage.TYPE_INT_RGB), m);
        return new GenerationEvent.Completed(new GenerationResult(List.of(image), 1,
                new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO), 1));
    }

    private LocalJob submit(String client, List<MultiEmitter<? super GenerationEvent>> emitters, boolean keep) {
        return queue.submit("m", "cpu", GenerationRequest.builder(client).build(), manual(emitters),
                new SubmitOptions(client, keep));
    }

    @Test
    void waitingJobsStartRoundRobinBetweenClientsAndEachClientHasACap() {
        queue = new MemoryGenerationQueue(new QueueSettings(16, 1, Duration.ofMinutes(1), 64, 4, 1L << 20));
        List<MultiEmitter<? super GenerationEvent>> emitters = new ArrayList<>();
        List<Job> a = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            a.add(submit("a", emitters, true));
        }
        assertThatThrownBy(() -> submit("a", emitters, true)).isInstanceOf(ClientLimitException.class)
                .hasMessageContaining("max-jobs-per-client")
                .satisfies(e -> assertThat(((ClientLimitException) e).retryAfter()).isPositive());
        Job b = submit("b", emitters, true);
        // a's first runs; b's only job goes before a's second, third and fourth
        assertThat(a.get(0).state()).isEqualTo(JobState.RUNNING);
        assertThat(b.position()).hasValue(1);
        assertThat(a.get(1).position()).hasValue(2);

        emitters.get(0).emit(completed(8));
        assertThat(b.state()).isEqualTo(JobState.RUNNING);
        assertThat(queue.jobsOf("a")).isEqualTo(3);
        assertThat(submit("a", emitters, true).position()).as("a's cap is freed by its finished job").hasValue(4);
    }

    @Test
    void finishedJobsAreCappedByBytesAndTransientJobsAreNotKept() {
        // room for about two finished 64x64 jobs (PNG of a black 64x64 image + events)
        queue = new MemoryGenerationQueue(new QueueSettings(16, 1, Duration.ofMinutes(10), 64, 16, 2_000));
        List<MultiEmitter<? super GenerationEvent>> emitters = new ArrayList<>();
        List<Job> kept = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            kept.add(submit("c", emitters, true));
            emitters.get(i).emit(completed(64));
            assertThat(kept.get(i).state()).isEqualTo(JobState.COMPLETED);
        }
        assertThat(queue.finishedBytes()).isLessThanOrEqualTo(2_000);
        assertThat(queue.find(kept.get(0).id())).as("the oldest went first").isEmpty();
        assertThat(queue.find(kept.get(3).id())).isPresent();

        AtomicReference<Job> delivered = new AtomicReference<>();
        Job once = submit("d", emitters, false);
        once.whenFinished().subscribe().with(delivered::set);
        emitters.get(4).emit(completed(64));
        assertThat(delivered.get()).as("the waiter got the result").isNotNull();
        assertThat(delivered.get().result()).isPresent();
        assertThat(queue.find(once.id())).as("nobody can ask for it again: not kept").isEmpty();
    }
}

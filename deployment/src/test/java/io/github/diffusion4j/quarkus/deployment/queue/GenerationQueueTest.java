package io.github.diffusion4j.quarkus.deployment.queue;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.Preview;
import io.github.diffusion4j.quarkus.runtime.queue.MemoryGenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.QueueFullException;
import io.github.diffusion4j.quarkus.runtime.queue.QueueSettings;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.smallrye.mutiny.subscription.MultiEmitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The queue on its own, with synthetic generations (no model): capacity, per-device concurrency, positions, cancel,
 * replay and the slow-subscriber policy. Plain JUnit, no Quarkus.
 */
class GenerationQueueTest {

    private final MemoryGenerationQueue queue = new MemoryGenerationQueue(new QueueSettings(2, 1, Duration.ofMinutes(1), 512));

    @AfterEach
    void close() {
        queue.close();
    }

    /** A generation that never ends until cancelled, reporting the cancel. */
    private static Multi<GenerationEvent> endless(AtomicBoolean cancelled) {
        return Multi.createFrom().<GenerationEvent>emitter(e -> e.onTermination(() -> cancelled.set(true)));
    }

    /** {@code n} step events, each with a (fake) preview marker absent, then nothing: the test drives the end. */
    private static Multi<GenerationEvent> steps(int n) {
        return Multi.createFrom().range(1, n + 1).map(i -> (GenerationEvent) new GenerationEvent.Step(i, n, 1000 - i,
                OptionalDouble.empty(), Duration.ofMillis(i), Duration.ofMillis(1), null));
    }

    @Test
    void boundedFifoWithPerDeviceConcurrencyPositionsAndCancel() {
        AtomicBoolean firstCancelled = new AtomicBoolean();
        Job first = queue.submit("m", "cpu", GenerationRequest.builder("a").build(), endless(firstCancelled));
        // another device has its own slot
        Job gpu = queue.submit("m", "cuda:0", GenerationRequest.builder("d").build(), endless(new AtomicBoolean()));
        Job second = queue.submit("m", "cpu", GenerationRequest.builder("b").build(), endless(new AtomicBoolean()));
        Job third = queue.submit("m", "cpu", GenerationRequest.builder("c").build(), endless(new AtomicBoolean()));
        assertThat(first.state()).isEqualTo(JobState.RUNNING);
        assertThat(gpu.state()).isEqualTo(JobState.RUNNING);
        assertThat(second.position()).hasValue(1);
        assertThat(third.position()).hasValue(2);
        assertThat(queue.queueDepth()).isEqualTo(2);
        assertThat(queue.activeJobs()).isEqualTo(2);
        assertThatThrownBy(() -> queue.submit("m", "cpu", GenerationRequest.builder("e").build(), endless(new AtomicBoolean())))
                .isInstanceOf(QueueFullException.class)
                .satisfies(e -> assertThat(((QueueFullException) e).retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));

        // cancelling a queued job moves the one behind it up, and touches nothing else
        assertThat(second.cancel()).isTrue();
        assertThat(second.state()).isEqualTo(JobState.CANCELLED);
        assertThat(third.position()).hasValue(1);
        assertThat(first.state()).isEqualTo(JobState.RUNNING);

        // cancelling the running job cancels its generation and starts the next
        assertThat(first.cancel()).isTrue();
        assertThat(firstCancelled).isTrue();
        assertThat(third.state()).isEqualTo(JobState.RUNNING);
        assertThat(first.cancel()).isFalse();
        assertThat(queue.find(first.id())).containsSame(first);
    }

    @Test
    void eventsReplayAfterAnIdAndEndWithTheTerminalEvent() {
        AtomicBoolean cancelled = new AtomicBoolean();
        Job job = queue.submit("m", "cpu", GenerationRequest.builder("a").build(),
                Multi.createBy().concatenating().streams(steps(5), endless(cancelled)));
        List<JobEvent> all = job.events(0).subscribe().withSubscriber(AssertSubscriber.create(100))
                .awaitItems(6).getItems();
        assertThat(all).extracting(JobEvent::name).containsExactly("queued", "step", "step", "step", "step", "step");
        assertThat(all).extracting(JobEvent::id).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);

        AssertSubscriber<JobEvent> resumed = job.events(4).subscribe().withSubscriber(AssertSubscriber.create(100));
        resumed.awaitItems(2);
        assertThat(resumed.getItems()).extracting(JobEvent::id).containsExactly(5L, 6L);
        job.cancel();
        resumed.awaitCompletion();
        assertThat(resumed.getItems()).extracting(JobEvent::name).endsWith("cancelled");
        assertThat(cancelled).isTrue();
        // a late subscriber gets the history and completes at once
        AssertSubscriber<JobEvent> late = job.events(0).subscribe().withSubscriber(AssertSubscriber.create(100));
        late.awaitCompletion();
        assertThat(late.getItems()).hasSize(7);
    }

    @Test
    void aSlowSubscriberLosesStepsButNeverTheTerminalEventAndNeverBlocksTheJob() {
        Job job = queue.submit("m", "cpu", GenerationRequest.builder("a").build(),
                Multi.createBy().concatenating().streams(steps(300), endless(new AtomicBoolean())));
        AssertSubscriber<JobEvent> slow = job.events(0).subscribe().withSubscriber(AssertSubscriber.create(0));
        // the generation ran to its 300th step although this subscriber asked for nothing
        assertThat(job.step()).isEqualTo(300);
        job.cancel();
        slow.request(1000);
        slow.awaitCompletion();
        List<JobEvent> got = slow.getItems();
        assertThat(got.size()).isLessThan(80);
        assertThat(got.get(got.size() - 1).name()).isEqualTo("cancelled");
        assertThat(got).filteredOn(e -> e.data() instanceof StepEvent).extracting(e -> ((StepEvent) e.data()).index())
                .isSorted().contains(300);
    }

    /**
     * A subscriber that asked for events keeps their previews although the job publishes while the subscriber's thread
     * is still delivering the replayed history: a race that once cost the OpenAI stream all its partial images. The
     * subscriber is held inside its first {@code onItem} while the job publishes three steps.
     */
    @Test
    void aSubscriberWithDemandKeepsPreviewsPublishedWhileItsHistoryIsDelivered() throws Exception {
        AtomicReference<MultiEmitter<? super GenerationEvent>> generation = new AtomicReference<>();
        Job job = queue.submit("m", "cpu", GenerationRequest.builder("a").build(),
                Multi.createFrom().<GenerationEvent>emitter(generation::set));
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); generation.get() == null
                && System.nanoTime() < end; ) {
            Thread.onSpinWait();
        }
        generation.get().emit(stepWithPreview(1, 4));
        CountDownLatch inFirstItem = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<JobEvent> received = new CopyOnWriteArrayList<>();
        AssertSubscriber<JobEvent> subscriber = new AssertSubscriber<>(100) {
            @Override
            public void onItem(JobEvent item) {
                if (received.isEmpty()) {
                    inFirstItem.countDown();
                    awaitQuietly(release);
                }
                received.add(item);
                super.onItem(item);
            }
        };
        Thread reader = new Thread(() -> job.events(0).subscribe().withSubscriber(subscriber), "reader");
        reader.start();
        assertThat(inFirstItem.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 4; i++) {
            generation.get().emit(stepWithPreview(i, 4));
        }
        release.countDown();
        subscriber.awaitItems(5);
        reader.join(10_000);
        job.cancel();
        assertThat(received).filteredOn(e -> e.data() instanceof StepEvent)
                .extracting(e -> ((StepEvent) e.data()).preview() != null).containsExactly(true, true, true, true);
    }

    private static GenerationEvent stepWithPreview(int index, int total) {
        return new GenerationEvent.Step(index, total, 1000 - index, OptionalDouble.empty(), Duration.ofMillis(index),
                Duration.ofMillis(1), Preview.of(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB)));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.github.diffusion4j.quarkus.deployment.rest;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.queue.MemoryGenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.QueueFullException;
import io.github.diffusion4j.quarkus.runtime.queue.QueueSettings;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;

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
}

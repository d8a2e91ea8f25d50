package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.ImageMetadata;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One generation submitted to the {@link GenerationQueue}: its state, live queue position and progress, its result,
 * and its events (kept in a bounded history so that a client can resume a stream with {@code Last-Event-ID}).
 * Thread-safe.
 */
public final class Job {

    private static final Logger LOG = Logger.getLogger(Job.class);
    private static final String PNG_DATA_URI = "data:image/png;base64,";

    private final String id = UUID.randomUUID().toString();
    private final String model;
    private final String deviceKey;
    private final GenerationRequest request;
    private final Multi<GenerationEvent> generation;
    private final GenerationQueue queue;
    private final int historySize;
    private final Instant createdAt = Instant.now();
    private final long createdNanos = System.nanoTime();

    private final AtomicReference<JobState> state = new AtomicReference<>(JobState.QUEUED);
    private final CompletableFuture<Job> finished = new CompletableFuture<>();
    private volatile int position;
    private volatile int step;
    private volatile int totalSteps;
    private volatile long etaMillis = -1;
    private volatile long startedNanos;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile FailedEvent error;
    private volatile JobResult result;
    private volatile String cancelReason;
    private Cancellable subscription; // guarded by this

    // event history and live subscribers, guarded by events
    private final Object events = new Object();
    private final ArrayDeque<JobEvent> history = new ArrayDeque<>();
    private final List<EventSubscriber> subscribers = new ArrayList<>();
    private long lastEventId;
    private boolean ended;
    private int publishedPosition;

    Job(GenerationQueue queue, String model, String deviceKey, GenerationRequest request,
        Multi<GenerationEvent> generation, int historySize) {
        this.queue = queue;
        this.model = model;
        this.deviceKey = deviceKey;
        this.request = request;
        this.generation = generation;
        this.historySize = historySize;
    }

    public String id() {
        return id;
    }

    /** The model name the job runs on. */
    public String model() {
        return model;
    }

    /** The device it runs on ({@code cpu}, {@code cuda:0}): jobs of one device share its concurrency slots. */
    public String deviceKey() {
        return deviceKey;
    }

    public GenerationRequest request() {
        return request;
    }

    public JobState state() {
        return state.get();
    }

    /** 1-based place in the queue while {@link JobState#QUEUED}; empty otherwise. */
    public OptionalInt position() {
        int p = position;
        return state.get() == JobState.QUEUED && p > 0 ? OptionalInt.of(p) : OptionalInt.empty();
    }

    /** Fraction done in [0, 1]: steps done over steps, 1 once completed. */
    public double progress() {
        if (state.get() == JobState.COMPLETED) {
            return 1.0;
        }
        int total = totalSteps;
        return total == 0 ? 0.0 : (double) step / total;
    }

    /** Steps done so far. */
    public int step() {
        return step;
    }

    /** Steps in total, once the job started; 0 before. */
    public int totalSteps() {
        return totalSteps;
    }

    /**
     * Estimated time to completion: from the mean step time while running, from the queue's mean job time while
     * queued; empty when unknown or finished.
     */
    public Optional<Duration> eta() {
        JobState s = state.get();
        if (s == JobState.RUNNING && etaMillis >= 0) {
            return Optional.of(Duration.ofMillis(etaMillis));
        }
        if (s == JobState.QUEUED) {
            return queue.estimateWait(position);
        }
        return Optional.empty();
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    public Optional<Instant> finishedAt() {
        return Optional.ofNullable(finishedAt);
    }

    /** Why the job failed, once {@link JobState#FAILED}. */
    public Optional<FailedEvent> error() {
        return Optional.ofNullable(error);
    }

    /** The images, once {@link JobState#COMPLETED}. */
    public Optional<JobResult> result() {
        return Optional.ofNullable(result);
    }

    /** Why it was cancelled, once {@link JobState#CANCELLED}. */
    public Optional<String> cancelReason() {
        return Optional.ofNullable(cancelReason);
    }

    /** Id of the newest event so far (0 before the first). */
    public long lastEventId() {
        synchronized (events) {
            return lastEventId;
        }
    }

    /**
     * Cancels this job and no other: a queued job leaves the queue, a running one has its generation cancelled (the
     * SDK stops within one step). Does nothing to a finished job.
     *
     * @return whether this call cancelled it
     */
    public boolean cancel() {
        return queue.cancel(this, "cancelled");
    }

    /** Cancels with a reason reported in the {@code cancelled} event. */
    public boolean cancel(String reason) {
        return queue.cancel(this, reason);
    }

    /** Completes with this job once it reaches a terminal state (never fails). */
    public Uni<Job> whenFinished() {
        return Uni.createFrom().completionStage(finished);
    }

    /**
     * The job's events after event {@code afterId} (0 = from the start, as far as the bounded history reaches), then
     * the live ones, completing after the terminal event. Each subscriber has its own bounded buffer: a slow one loses
     * previews first, then old step events, and never slows the generation. Replayed step events carry no preview
     * except the newest.
     */
    public Multi<JobEvent> events(long afterId) {
        return Multi.createFrom().emitter(emitter -> {
            EventSubscriber subscriber = new EventSubscriber(id, emitter);
            synchronized (events) {
                for (JobEvent e : history) {
                    if (e.id() > afterId) {
                        subscriber.enqueue(e);
                    }
                }
                if (ended) {
                    subscriber.completeWhenDrained();
                } else {
                    subscribers.add(subscriber);
                }
            }
            emitter.onTermination(() -> {
                synchronized (events) {
                    subscribers.remove(subscriber);
                }
            });
            emitter.onRequest(n -> subscriber.drain());
            subscriber.drain();
        }, BackPressureStrategy.BUFFER);
    }

    // ---- transitions, driven by the queue ----

    boolean transition(JobState from, JobState to) {
        return state.compareAndSet(from, to);
    }

    void position(int position) {
        this.position = position;
    }

    long queuedMillis() {
        long start = startedNanos != 0 ? startedNanos : System.nanoTime();
        return Duration.ofNanos(start - createdNanos).toMillis();
    }

    /** Publishes a {@code queued} event when the live position differs from the last one sent. */
    void publishPosition() {
        synchronized (events) {
            int p = position;
            if (state.get() != JobState.QUEUED || p <= 0 || p == publishedPosition) {
                return;
            }
            publishedPosition = p;
            publishLocked(new QueuedEvent(id, model, p));
        }
        drainSubscribers();
    }

    /** Subscribes to the generation; called by the queue once the job holds a slot (state RUNNING). */
    void start() {
        startedNanos = System.nanoTime();
        startedAt = Instant.now();
        LOG.debugf("Job %s started on model %s (%s) after %d ms in the queue", id, model, deviceKey, queuedMillis());
        Cancellable c;
        try {
            c = generation.subscribe().with(this::onEvent, this::onFailure, this::onEnd);
        } catch (RuntimeException e) {
            onFailure(e);
            return;
        }
        boolean cancelNow;
        synchronized (this) {
            subscription = c;
            cancelNow = state.get() == JobState.CANCELLED;
        }
        if (cancelNow) {
            c.cancel();
        }
    }

    private void onEvent(GenerationEvent event) {
        if (state.get() != JobState.RUNNING) {
            return; // cancelled: late events of the in-flight step are dropped
        }
        if (event instanceof GenerationEvent.Started s) {
            totalSteps = s.steps();
            publish(new StartedEvent(id, model, s.seed(), s.steps(), s.width(), s.height(), s.batchSize(),
                    s.scheduler(), s.guided(), s.promptDroppedWords()));
        } else if (event instanceof GenerationEvent.Step s) {
            step = s.index();
            totalSteps = s.total();
            etaMillis = s.eta().toMillis();
            // The preview is encoded here, on the generation thread, never on the event loop.
            String preview = s.preview() != null ? PNG_DATA_URI + Base64.getEncoder().encodeToString(s.preview().png()) : null;
            LOG.debugf("Job %s step %d/%d in %d ms", id, s.index(), s.total(), s.stepDuration().toMillis());
            publish(new StepEvent(id, s.index(), s.total(), s.progress(), etaMillis, s.elapsed().toMillis(),
                    s.stepDuration().toMillis(), s.timestep(), preview));
        } else if (event instanceof GenerationEvent.Completed c) {
            complete(c.result());
        }
    }

    private void complete(GenerationResult generated) {
        // PNG and base64 encoding of the final images happen on the generation thread.
        List<byte[]> pngs = new ArrayList<>(generated.images().size());
        List<CompletedEvent.Image> images = new ArrayList<>(generated.images().size());
        for (GeneratedImage image : generated.images()) {
            byte[] png = image.png();
            pngs.add(png);
            ImageMetadata m = image.metadata();
            images.add(new CompletedEvent.Image(PNG_DATA_URI + Base64.getEncoder().encodeToString(png), m.seed(),
                    image.image().getWidth(), image.image().getHeight(), m));
        }
        TimingsData timings = TimingsData.of(generated.timings(), queuedMillis());
        JobResult jobResult = new JobResult(generated, pngs, timings);
        if (!state.compareAndSet(JobState.RUNNING, JobState.COMPLETED)) {
            return;
        }
        result = jobResult;
        step = totalSteps;
        etaMillis = 0;
        finishedAt = Instant.now();
        LOG.debugf("Job %s completed in %d ms", id, timings.totalMillis());
        publish(new CompletedEvent(id, generated.seed(), images, timings, generated.unetRuns()));
        end();
    }

    private void onFailure(Throwable failure) {
        if (!state.compareAndSet(JobState.RUNNING, JobState.FAILED)) {
            return;
        }
        String detail = failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName();
        LOG.warnf(failure, "Job %s failed", id); // clients get a generic detail: the cause is here
        error = new FailedEvent(id, FailedEvent.TYPE, "Generation failed", 500, detail);
        finishedAt = Instant.now();
        publish(error);
        end();
    }

    private void onEnd() {
        if (state.get() == JobState.RUNNING) {
            onFailure(new IllegalStateException("The generation ended without a result"));
        }
    }

    /** Called by the queue after it moved this job to CANCELLED. */
    void cancelled(String reason, boolean wasRunning) {
        cancelReason = reason;
        finishedAt = Instant.now();
        if (wasRunning) {
            Cancellable c;
            synchronized (this) {
                c = subscription;
            }
            if (c != null) {
                c.cancel(); // the SDK terminates the in-flight ONNX Runtime run and stops within one step
            }
        }
        LOG.debugf("Job %s cancelled (%s) at step %d/%d", id, reason, step, totalSteps);
        publish(new CancelledEvent(id, progress(), reason));
        finished.complete(this);
    }

    private void end() {
        // free the slot first: whoever waits on the job sees the queue already updated
        queue.finished(this);
        finished.complete(this);
    }

    private void publish(JobEventData data) {
        synchronized (events) {
            publishLocked(data);
        }
        drainSubscribers();
    }

    private void publishLocked(JobEventData data) {
        if (ended) {
            return;
        }
        JobEvent event = new JobEvent(++lastEventId, data);
        if (event.data() instanceof StepEvent) {
            // History keeps the preview of the newest step only: a bounded history of small events.
            JobEvent last = history.peekLast();
            if (last != null && last.hasPreview()) {
                history.pollLast();
                history.addLast(last.withoutPreview());
            }
        }
        history.addLast(event);
        while (history.size() > historySize) {
            history.pollFirst();
        }
        for (EventSubscriber s : subscribers) {
            s.enqueue(event);
        }
        if (event.isTerminal()) {
            ended = true;
        }
    }

    private void drainSubscribers() {
        List<EventSubscriber> targets;
        synchronized (events) {
            targets = List.copyOf(subscribers);
            if (ended) {
                subscribers.clear();
            }
        }
        for (EventSubscriber s : targets) {
            s.drain();
        }
    }

    @Override
    public String toString() {
        return "Job[" + id + ", " + model + ", " + state.get() + "]";
    }
}

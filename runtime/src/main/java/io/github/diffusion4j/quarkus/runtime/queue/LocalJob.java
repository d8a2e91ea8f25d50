package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.Cancellable;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One generation of the in-process {@link MemoryGenerationQueue}: its state, live queue position and progress, its
 * result, and its events (kept in a bounded history so that a client can resume a stream with {@code Last-Event-ID}).
 * Thread-safe.
 */
public final class LocalJob implements Job {

    private static final Logger LOG = Logger.getLogger(LocalJob.class);
    /** Bytes counted per kept event besides its preview, for the finished-jobs cap (a step event's JSON and object). */
    static final int EVENT_BYTES = 256;

    private final String id = UUID.randomUUID().toString();
    private final String model;
    private final String deviceKey;
    private final GenerationRequest request;
    private final Multi<GenerationEvent> generation;
    private final MemoryGenerationQueue queue;
    private final int historySize;
    private final String client;
    private final boolean keep;
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

    LocalJob(MemoryGenerationQueue queue, String model, String deviceKey, GenerationRequest request,
             Multi<GenerationEvent> generation, int historySize, String client, boolean keep) {
        this.queue = queue;
        this.client = client;
        this.keep = keep;
        this.model = model;
        this.deviceKey = deviceKey;
        this.request = request;
        this.generation = generation;
        this.historySize = historySize;
    }

    @Override
    public String id() {
        return id;
    }

    /** The client it counts against (per-client cap, round-robin). */
    public String client() {
        return client;
    }

    /** Whether it is kept after it ends (false: its client never learns the id). */
    boolean keep() {
        return keep;
    }

    @Override
    public String prompt() {
        return request != null ? request.prompt() : "";
    }

    @Override
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

    @Override
    public JobState state() {
        return state.get();
    }

    @Override
    public OptionalInt position() {
        int p = position;
        return state.get() == JobState.QUEUED && p > 0 ? OptionalInt.of(p) : OptionalInt.empty();
    }

    @Override
    public double progress() {
        if (state.get() == JobState.COMPLETED) {
            return 1.0;
        }
        int total = totalSteps;
        return total == 0 ? 0.0 : (double) step / total;
    }

    @Override
    public int step() {
        return step;
    }

    @Override
    public int totalSteps() {
        return totalSteps;
    }

    @Override
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

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    @Override
    public Optional<Instant> finishedAt() {
        return Optional.ofNullable(finishedAt);
    }

    @Override
    public Optional<FailedEvent> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public Optional<JobResult> result() {
        return Optional.ofNullable(result);
    }

    @Override
    public Optional<String> cancelReason() {
        return Optional.ofNullable(cancelReason);
    }

    @Override
    public long lastEventId() {
        synchronized (events) {
            return lastEventId;
        }
    }

    @Override
    public boolean cancel(String reason) {
        return queue.cancel(this, reason);
    }

    @Override
    public Uni<Job> whenFinished() {
        return Uni.createFrom().completionStage(finished);
    }

    @Override
    public Multi<JobEvent> events(long afterId) {
        return Multi.createFrom().emitter(emitter -> {
            EventSubscriber subscriber = new EventSubscriber(id, emitter);
            synchronized (events) {
                for (JobEvent e : history) {
                    if (e.id() > afterId) {
                        subscriber.replay(e);
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
            publish(StartedEvent.of(id, model, s));
        } else if (event instanceof GenerationEvent.Step s) {
            step = s.index();
            totalSteps = s.total();
            etaMillis = s.eta().toMillis();
            LOG.debugf("Job %s step %d/%d in %d ms", id, s.index(), s.total(), s.stepDuration().toMillis());
            publish(StepEvent.of(id, s));
        } else if (event instanceof GenerationEvent.Completed c) {
            complete(c.result());
        }
    }

    private void complete(GenerationResult generated) {
        // PNG encoding of the final images happens on the generation thread; the result keeps only the PNG bytes.
        JobResult jobResult = JobResult.of(generated, queuedMillis());
        TimingsData timings = jobResult.timings();
        if (!state.compareAndSet(JobState.RUNNING, JobState.COMPLETED)) {
            return;
        }
        result = jobResult;
        step = totalSteps;
        etaMillis = 0;
        finishedAt = Instant.now();
        LOG.debugf("Job %s completed in %d ms", id, timings.totalMillis());
        publish(jobResult.toEvent(id));
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
        queue.retire(this);
    }

    private void end() {
        // free the slot first: whoever waits on the job sees the queue already updated
        queue.finished(this);
        finished.complete(this);
        // after the waiters ran: a job nobody can ask for again is dropped here
        queue.retire(this);
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
        if (event.data() instanceof StepEvent && keep) {
            // History keeps the preview of the newest step only: a bounded history of small events. A transient job
            // keeps them all: its one reader is the call that submitted it, which may subscribe only after a short
            // job has run (the OpenAI stream's partial images), and the job is gone once answered.
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

    /**
     * Estimated heap this finished job holds: its PNGs, the previews and events of its history. What the
     * finished-jobs cap ({@code jobs.max-finished-bytes}) counts.
     */
    long retainedBytes() {
        long bytes = result != null ? result.bytes() : 0;
        synchronized (events) {
            for (JobEvent e : history) {
                bytes += EVENT_BYTES;
                if (e.data() instanceof StepEvent s && s.preview() != null) {
                    bytes += s.preview().length();
                }
            }
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "Job[" + id + ", " + model + ", " + state.get() + "]";
    }
}

package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.StartedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of one job on this worker: subscribes to the generation and writes each event to the job's stream. An
 * append that Redis refuses (the job was cancelled from any node, finished by another attempt, or taken over) stops the
 * generation at that step: cancel reaches the worker within one step.
 * <p>
 * Writes are asynchronous and in order: the generation thread never waits for Redis. One write is under way at a
 * time; the events that come meanwhile go in the next write, together (one round trip for several steps when Redis is
 * slower than the model), and the completion carries the steps not written yet.
 */
final class WorkerRun {

    private static final Logger LOG = Logger.getLogger(WorkerRun.class);

    final String model;
    final String id;
    final String entry;
    final int attempt;
    private final long created;
    private final RedisWorker worker;
    /** No more events taken from the generation (finishing, stopped or abandoned). */
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile Cancellable subscription;
    private volatile int step;
    private volatile int total;
    private final long startedMillis = System.currentTimeMillis();
    /** Events not written yet (name, JSON); guarded by {@code this}. */
    private final ArrayDeque<String[]> unwritten = new ArrayDeque<>();
    /** The finishing write's arguments once the generation ended; guarded by {@code this}. */
    private List<Object> finish;
    private String outcome;
    private boolean writing;
    private boolean stopped;
    private long etaMillis;

    WorkerRun(RedisWorker worker, String model, String id, String entry, int attempt, long created) {
        this.worker = worker;
        this.model = model;
        this.id = id;
        this.entry = entry;
        this.attempt = attempt;
        this.created = created;
    }

    void start(Multi<GenerationEvent> generation) {
        Cancellable c = generation.subscribe().with(this::onEvent, this::onFailure, this::onEnd);
        subscription = c;
        if (over.get()) {
            c.cancel();
        }
    }

    private void onEvent(GenerationEvent event) {
        if (over.get()) {
            return;
        }
        if (event instanceof GenerationEvent.Started s) {
            total = s.steps();
            queue(StartedEvent.NAME, StartedEvent.of(id, model, s), 0);
        } else if (event instanceof GenerationEvent.Step s) {
            step = s.index();
            total = s.total();
            queue(StepEvent.NAME, StepEvent.of(id, s), s.eta().toMillis());
        } else if (event instanceof GenerationEvent.Completed c) {
            complete(JobResult.of(c.result(), Math.max(0, startedMillis - created)));
        }
    }

    private void queue(String name, Object data, long eta) {
        String json = EventCodec.json(data);
        synchronized (this) {
            unwritten.add(new String[] {name, json});
            etaMillis = eta;
        }
        write();
    }

    private void complete(JobResult result) {
        List<Object> args = new ArrayList<>(List.of(worker.keys().prefix(), id, model, entry, JobState.COMPLETED.id(),
                "completed", EventCodec.json(new EventCodec.CompletedMarker(id)), System.currentTimeMillis(),
                worker.settings().expireAfter().toSeconds(), RedisGenerationQueue.TRANSIENT_TTL.toSeconds(),
                System.currentTimeMillis() - startedMillis, EventCodec.meta(result)));
        List<Object> pngs = new ArrayList<>();
        for (JobResult.JobImage image : result.images()) {
            pngs.add(image.png());
        }
        finish(args, pngs, "completed");
    }

    void fail(FailedEvent error) {
        String json = EventCodec.json(error);
        finish(new ArrayList<>(List.of(worker.keys().prefix(), id, model, entry, JobState.FAILED.id(), FailedEvent.NAME,
                json, System.currentTimeMillis(), worker.settings().expireAfter().toSeconds(),
                RedisGenerationQueue.TRANSIENT_TTL.toSeconds(), System.currentTimeMillis() - startedMillis, json)),
                List.of(), "failed");
    }

    private void finish(List<Object> args, List<Object> pngs, String how) {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            args.addAll(List.of(attempt, worker.settings().historySize(), unwritten.size()));
            for (String[] e : unwritten) {
                args.add(e[0]);
                args.add(e[1]);
            }
            unwritten.clear();
            args.addAll(pngs);
            finish = args;
            outcome = how;
        }
        write();
    }

    /** Sends what is waiting unless a write is under way (its completion sends the rest). */
    private void write() {
        List<Object> args;
        boolean finishing;
        synchronized (this) {
            if (writing || stopped) {
                return;
            }
            finishing = finish != null;
            if (finishing) {
                args = finish;
                finish = null;
            } else if (!unwritten.isEmpty()) {
                args = new ArrayList<>(List.of(worker.keys().prefix(), id, attempt, step, total, etaMillis,
                        worker.settings().historySize(), unwritten.size()));
                for (String[] e : unwritten) {
                    args.add(e[0]);
                    args.add(e[1]);
                }
                unwritten.clear();
            } else {
                return;
            }
            writing = true;
        }
        worker.redis().sendScript(finishing ? Scripts.FINISH : Scripts.APPEND, args.toArray()).subscribe()
                .with(r -> written(finishing, r), this::writeFailed);
    }

    private void written(boolean finished, Response reply) {
        if (finished) {
            LOG.debugf("Job %s %s on attempt %d%s", id, outcome, attempt,
                    reply.toLong() == 1 ? "" : " (another attempt finished first, or it was cancelled)");
            worker.ended(this);
            return;
        }
        boolean finishWaiting;
        synchronized (this) {
            writing = false;
            finishWaiting = finish != null;
        }
        if (reply.toLong() == 0 && !finishWaiting) {
            stop("cancelled or taken over");
        } else {
            write(); // a waiting finish settles a refused job itself: it only acknowledges a job no longer running
        }
    }

    private void writeFailed(Throwable e) {
        // Redis unreachable mid-job: stop; the job stays pending and another attempt takes it over
        LOG.warnf("Job %s: writing to Redis failed (%s); leaving it to be taken over", id, e.getMessage());
        synchronized (this) {
            writing = false;
        }
        abandon();
    }

    private void onFailure(Throwable failure) {
        // the client sees only that it failed (with the job id): the cause is for the operator
        LOG.warnf(failure, "Job %s failed on attempt %d", id, attempt);
        fail(new FailedEvent(id, FailedEvent.TYPE, "Generation failed", 500,
                failure.getMessage() != null ? failure.getMessage() : failure.getClass().getName()));
    }

    private void onEnd() {
        if (!over.get()) {
            onFailure(new IllegalStateException("The generation ended without a result"));
        }
    }

    /** Redis says the job is not ours any more: stop generating and drop the pending entry if it is finished. */
    void stop(String why) {
        over.set(true);
        if (!markStopped()) {
            return;
        }
        LOG.debugf("Job %s stops at step %d/%d on this worker: %s", id, step, total, why);
        cancelGeneration();
        worker.redis().sendScript(Scripts.RELEASE_ENTRY, worker.keys().prefix(), id, model, entry).subscribe()
                .with(x -> { }, e -> LOG.debugf("Job %s: acknowledging its entry failed: %s", id, e.getMessage()));
        worker.ended(this);
    }

    /** This worker stops (shutdown, Redis lost): stop generating, leave the job pending for another worker. */
    void abandon() {
        over.set(true);
        if (markStopped()) {
            cancelGeneration();
            worker.ended(this);
        }
    }

    /** Drops what was not written; true for the first caller. */
    private synchronized boolean markStopped() {
        if (stopped) {
            return false;
        }
        stopped = true;
        unwritten.clear();
        finish = null;
        return true;
    }

    private void cancelGeneration() {
        Cancellable c = subscription;
        if (c != null) {
            c.cancel(); // the SDK terminates the in-flight ONNX Runtime run and stops within one step
        }
    }

    /** This run as a job snapshot (Dev UI of a worker node). */
    Job snapshot() {
        return new RedisJob(null, id, Map.of("model", model, "state", JobState.RUNNING.id(), "step",
                Integer.toString(step), "total", Integer.toString(total), "created", Long.toString(created),
                "attempts", Integer.toString(attempt)), 0, 0, null);
    }
}

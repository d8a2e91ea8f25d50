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
import io.vertx.mutiny.redis.client.Command;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of one job on this worker: subscribes to the generation and writes each event to the job's stream. An
 * append that Redis refuses (the job was cancelled from any node, finished by another attempt, or taken over) stops the
 * generation at that step: cancel reaches the worker within one step.
 */
final class WorkerRun {

    private static final Logger LOG = Logger.getLogger(WorkerRun.class);

    final String model;
    final String id;
    final String entry;
    final int attempt;
    private final long created;
    private final RedisWorker worker;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile Cancellable subscription;
    private volatile int step;
    private volatile int total;
    private final long startedMillis = System.currentTimeMillis();

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
        try {
            if (event instanceof GenerationEvent.Started s) {
                total = s.steps();
                append(StartedEvent.NAME, StartedEvent.of(id, model, s), 0);
            } else if (event instanceof GenerationEvent.Step s) {
                step = s.index();
                total = s.total();
                append(StepEvent.NAME, StepEvent.of(id, s), s.eta().toMillis());
            } else if (event instanceof GenerationEvent.Completed c) {
                complete(JobResult.of(c.result(), Math.max(0, startedMillis - created)));
            }
        } catch (RuntimeException e) {
            // Redis unreachable mid-job: stop; the job stays pending and another attempt takes it over
            LOG.warnf("Job %s: writing to Redis failed (%s); leaving it to be taken over", id, e.getMessage());
            abandon();
        }
    }

    private void append(String name, Object data, long etaMillis) {
        long ok = worker.redis().script(Scripts.APPEND, worker.keys().prefix(), id, attempt, name,
                EventCodec.json(data), step, total, etaMillis, worker.settings().historySize()).toLong();
        if (ok == 0) {
            stop("cancelled or taken over");
        }
    }

    private void complete(JobResult result) {
        List<Object> args = new ArrayList<>(List.of(worker.keys().prefix(), id, model, entry, JobState.COMPLETED.id(),
                "completed", EventCodec.json(new EventCodec.CompletedMarker(id)), System.currentTimeMillis(),
                worker.settings().expireAfter().toSeconds(), RedisGenerationQueue.TRANSIENT_TTL.toSeconds(),
                System.currentTimeMillis() - startedMillis, EventCodec.meta(result)));
        for (JobResult.JobImage image : result.images()) {
            args.add(image.png());
        }
        finish(args, "completed");
    }

    void fail(FailedEvent error) {
        String json = EventCodec.json(error);
        finish(new ArrayList<>(List.of(worker.keys().prefix(), id, model, entry, JobState.FAILED.id(), FailedEvent.NAME,
                json, System.currentTimeMillis(), worker.settings().expireAfter().toSeconds(),
                RedisGenerationQueue.TRANSIENT_TTL.toSeconds(), System.currentTimeMillis() - startedMillis, json)),
                "failed");
    }

    private void finish(List<Object> args, String outcome) {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        try {
            long won = worker.redis().script(Scripts.FINISH, args.toArray()).toLong();
            LOG.debugf("Job %s %s on attempt %d%s", id, outcome, attempt, won == 1 ? "" : " (another attempt finished first)");
        } catch (RuntimeException e) {
            LOG.warnf("Job %s: storing its end in Redis failed (%s); it will be taken over", id, e.getMessage());
        }
        worker.ended(this);
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
        if (!over.compareAndSet(false, true)) {
            return;
        }
        LOG.debugf("Job %s stops at step %d/%d on this worker: %s", id, step, total, why);
        cancelGeneration();
        try {
            String state = String.valueOf(worker.redis().call(RedisCommands.cmd(Command.HGET,
                    worker.keys().job(id), "state")));
            if (!state.equals(JobState.RUNNING.id())) {
                worker.redis().call(RedisCommands.cmd(Command.XACK, worker.keys().work(model), RedisKeys.GROUP, entry));
                worker.redis().call(RedisCommands.cmd(Command.XDEL, worker.keys().work(model), entry));
            }
        } catch (RuntimeException e) {
            LOG.debugf("Job %s: acknowledging its entry failed: %s", id, e.getMessage());
        }
        worker.ended(this);
    }

    /** This worker stops (shutdown, Redis lost): stop generating, leave the job pending for another worker. */
    void abandon() {
        if (over.compareAndSet(false, true)) {
            cancelGeneration();
            worker.ended(this);
        }
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

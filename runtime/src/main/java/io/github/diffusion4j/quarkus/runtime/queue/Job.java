package io.github.diffusion4j.quarkus.runtime.queue;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One generation submitted to a {@link GenerationQueue}, as the REST API and application code see it, whichever
 * backend runs it: its state, queue position and progress, its result, and its events (replayable after an event id
 * with {@code Last-Event-ID}).
 * <p>
 * With the in-process backend a job is live: every getter reads the current value. With a distributed backend a
 * {@code Job} returned by {@link GenerationQueue#find} is a snapshot of the job at that moment; {@link #events},
 * {@link #whenFinished()} and {@link #cancel} always act on the live job.
 */
public interface Job {

    String id();

    /** The model name the job runs on. */
    String model();

    /** The prompt (shown in the Dev UI only, never logged at INFO). */
    String prompt();

    JobState state();

    /** 1-based place in the queue while {@link JobState#QUEUED}; empty otherwise. */
    OptionalInt position();

    /** Fraction done in [0, 1]: steps done over steps, 1 once completed. */
    double progress();

    /** Steps done so far. */
    int step();

    /** Steps in total, once the job started; 0 before. */
    int totalSteps();

    /** Estimated time to completion; empty when unknown or finished. */
    Optional<Duration> eta();

    Instant createdAt();

    Optional<Instant> startedAt();

    Optional<Instant> finishedAt();

    /** Why the job failed, once {@link JobState#FAILED}. */
    Optional<FailedEvent> error();

    /** The images, once {@link JobState#COMPLETED}. */
    Optional<JobResult> result();

    /** Why it was cancelled, once {@link JobState#CANCELLED}. */
    Optional<String> cancelReason();

    /** Id of the newest event so far (0 before the first). */
    long lastEventId();

    /** Attempts so far: 1 normally, more when a worker died while running it and the job was restarted. */
    default int attempts() {
        return state() == JobState.QUEUED ? 0 : 1;
    }

    /**
     * Cancels this job and no other: a queued job leaves the queue, a running one has its generation cancelled (the
     * SDK stops within one step). Does nothing to a finished job.
     *
     * @return whether this call cancelled it
     */
    default boolean cancel() {
        return cancel("cancelled");
    }

    /** Cancels with a reason reported in the {@code cancelled} event. */
    boolean cancel(String reason);

    /** Completes with the job (its final state and result) once it reaches a terminal state; never fails. */
    Uni<Job> whenFinished();

    /**
     * The job's events after event {@code afterId} (0 = from the start, as far as the kept history reaches), then the
     * live ones, completing after the terminal event. A slow subscriber loses previews first, then old step events,
     * and never slows the generation.
     */
    Multi<JobEvent> events(long afterId);
}

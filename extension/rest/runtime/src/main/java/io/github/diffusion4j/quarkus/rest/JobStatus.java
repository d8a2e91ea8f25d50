package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;
import java.time.Instant;

/**
 * A job as {@code GET /v1/jobs/{id}} reports it.
 *
 * @param id          job id
 * @param model       model name
 * @param state       {@code queued}, {@code running}, {@code completed}, {@code failed} or {@code cancelled}
 * @param position    1-based place in the queue while queued
 * @param progress    0 to 1
 * @param step        steps done
 * @param steps       steps in total (0 until the job started)
 * @param etaMillis   estimated time to completion, when known
 * @param createdAt   when it was submitted (ISO-8601)
 * @param startedAt   when it started
 * @param finishedAt  when it ended
 * @param lastEventId id of its newest event (resume its event stream after it)
 * @param error       why it failed
 * @param cancelReason why it was cancelled
 * @param attempts    runs of the job so far: 0 while first queued, 1 once started, more after a lost worker's job was
 *                    restarted (Redis backend)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "JobStatus")
public record JobStatus(@Schema(example = "3f1c2a4e-8b7d-4c1e-9a55-0d9c4f7e2b11") String id,
                        @Schema(example = "default") String model,
                        @Schema(enumeration = {"queued", "running", "completed", "failed", "cancelled"}, example = "running") String state,
                        @Schema(example = "2") Integer position,
                        @Schema(example = "0.35") double progress,
                        @Schema(example = "7") int step,
                        @Schema(example = "20") int steps,
                        @Schema(example = "1300") Long etaMillis,
                        @Schema(example = "2026-05-20T10:15:30Z") String createdAt,
                        String startedAt,
                        String finishedAt,
                        @Schema(example = "9") long lastEventId,
                        FailedEvent error,
                        @Schema(example = "cancelled") String cancelReason,
                        @Schema(example = "1", description = "runs of the job so far: 0 while first queued, 1 once started, more after a restart on another worker") int attempts) {

    static JobStatus of(Job job) {
        return new JobStatus(job.id(), job.model(), job.state().id(),
                job.position().isPresent() ? job.position().getAsInt() : null,
                job.progress(), job.step(), job.totalSteps(),
                job.eta().map(Duration::toMillis).orElse(null),
                job.createdAt().toString(),
                job.startedAt().map(Instant::toString).orElse(null),
                job.finishedAt().map(Instant::toString).orElse(null),
                job.lastEventId(),
                job.error().orElse(null),
                job.cancelReason().orElse(null),
                job.attempts());
    }
}

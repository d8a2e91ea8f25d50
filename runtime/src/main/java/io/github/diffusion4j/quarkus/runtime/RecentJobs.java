package io.github.diffusion4j.quarkus.runtime;

import java.time.Instant;
import java.util.List;

/**
 * Jobs the Dev UI lists. Optional: the generation queue implements it; without such a bean the Dev UI shows no jobs.
 */
public interface RecentJobs {

    /** Up to {@code max} most recent jobs, newest first. */
    List<JobSummary> recent(int max);

    /**
     * One job as the Dev UI shows it. The prompt is shown in the Dev UI only (dev mode), never logged at INFO.
     *
     * @param id        job id
     * @param model     model name
     * @param state     {@code queued}, {@code running}, {@code completed}, {@code failed} or {@code cancelled}
     * @param prompt    the prompt
     * @param progress  0 to 1
     * @param submitted when the job was submitted
     */
    record JobSummary(String id, String model, String state, String prompt, double progress, Instant submitted) {
    }
}

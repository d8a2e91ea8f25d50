package io.github.diffusion4j.quarkus.runtime;

/**
 * Live numbers of the generation queue, read by the {@code diffusion4j.queue.depth} and {@code diffusion4j.jobs.active}
 * gauges and the Dev UI. The generation queue provides the real bean; without it, a default bean reports zeros.
 */
public interface GenerationStats {

    /** Generations waiting in the queue (not yet started). */
    int queueDepth();

    /** Generations running now. */
    int activeJobs();
}

package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.GenerationStats;
import io.github.diffusion4j.quarkus.runtime.RecentJobs;

import java.util.List;
import java.util.Optional;

/**
 * The job queue the REST API and application code talk to, whichever backend holds it: the in-process
 * {@link MemoryGenerationQueue} (the default) or a distributed one (the {@code quarkus-diffusion4j-redis} extension).
 * Selected by {@code quarkus.diffusion4j.queue.backend}; see {@link GenerationQueueBackend}.
 * <p>
 * Every implementation bounds memory (capacity, per-client cap, finished jobs by bytes), orders waiting jobs
 * round-robin between clients, and throws {@link QueueFullException} / {@link ClientLimitException} instead of
 * growing.
 */
public interface GenerationQueue extends GenerationStats, RecentJobs, AutoCloseable {

    /**
     * Queues a generation of {@code request} on the configured model {@code model}, for the client of the current
     * request (see {@link ClientKeys}) and kept after it ends.
     */
    default Job submit(String model, GenerationRequest request) {
        return submit(model, request, SubmitOptions.DEFAULT);
    }

    /**
     * Queues a generation.
     *
     * @throws IllegalArgumentException when the request is invalid for the model (names the field and range)
     * @throws QueueFullException       when the queue holds {@code capacity} waiting jobs
     * @throws ClientLimitException     when the client has {@code max-jobs-per-client} queued and running jobs
     */
    Job submit(String model, GenerationRequest request, SubmitOptions options);

    /** The job with this id, while it is queued, running or finished and not yet expired. */
    Optional<Job> find(String id);

    /** The models requests can name, with what validation needs (the local ones, or those workers publish). */
    ModelCatalog models();

    /** Queued and running jobs known to this node, then the finished ones still kept. */
    List<Job> jobs();

    /** Cancels what this node runs and releases its resources. */
    @Override
    void close();
}

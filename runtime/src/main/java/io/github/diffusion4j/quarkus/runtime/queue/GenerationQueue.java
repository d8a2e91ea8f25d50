package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.github.diffusion4j.quarkus.runtime.GenerationStats;
import io.github.diffusion4j.quarkus.runtime.RecentJobs;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The generation queue shared by the REST API and application code: a bounded FIFO of {@link Job}s, run with a fixed
 * number of concurrent jobs per device (default 1, since two generations on one GPU mostly share its time).
 *
 * <ul>
 *   <li>{@link #submit} validates the request (the SDK throws {@link IllegalArgumentException} naming the field), then
 *       queues it or throws {@link QueueFullException} with a retry-after estimate: memory never grows unbounded.</li>
 *   <li>Jobs of one device start in submission order as slots free up; queued jobs get a {@code queued} event each time
 *       their position changes.</li>
 *   <li>Finished jobs are kept for {@code quarkus.diffusion4j.jobs.expire-after}, then swept; at most
 *       {@link #MAX_FINISHED_JOBS} are kept whatever the expiry.</li>
 * </ul>
 */
@Singleton
public class GenerationQueue implements GenerationStats, RecentJobs {

    private static final Logger LOG = Logger.getLogger(GenerationQueue.class);

    /** Cap on finished jobs kept for clients to fetch, whatever {@code expire-after} says. */
    public static final int MAX_FINISHED_JOBS = 1024;
    /** Mean job time assumed for retry-after estimates before any job finished. */
    static final Duration INITIAL_JOB_ESTIMATE = Duration.ofSeconds(5);

    private final QueueSettings settings;
    private final GenerationObserver observer;
    private final Object lock = new Object();
    private final LinkedList<Job> queued = new LinkedList<>(); // guarded by lock
    private final Map<String, Integer> runningPerDevice = new HashMap<>(); // guarded by lock
    private int running; // guarded by lock
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<Job> finishedJobs = new ConcurrentLinkedDeque<>();
    private final ScheduledExecutorService sweeper;
    private volatile long meanJobNanos = -1;
    private volatile boolean closed;

    @Inject
    public GenerationQueue(DiffusionRuntimeConfig config, GenerationObserver observer) {
        this(new QueueSettings(config.queue().capacity(), config.queue().concurrency(), config.jobs().expireAfter(),
                config.jobs().historySize()), observer);
    }

    /** A queue outside CDI (tests, plain Java). Call {@link #close()} when done. */
    public GenerationQueue(QueueSettings settings) {
        this(settings, (model, events) -> events);
    }

    private GenerationQueue(QueueSettings settings, GenerationObserver observer) {
        this.settings = settings;
        this.observer = observer;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "diffusion4j-job-sweeper");
            t.setDaemon(true);
            return t;
        });
        // Sweep often enough that a job outlives its expiry by at most a quarter of it (1 s .. 1 min).
        long period = Math.max(1000, Math.min(60_000, settings.expireAfter().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    public QueueSettings settings() {
        return settings;
    }

    /**
     * Queues a generation on {@code pipeline}.
     *
     * @param model the configured model name (reported in events)
     * @throws IllegalArgumentException when the request is invalid for the pipeline (names the field and range)
     * @throws QueueFullException       when {@code capacity} jobs wait already
     */
    public Job submit(String model, DiffusionPipeline pipeline, GenerationRequest request) {
        // generate() validates synchronously and is lazy: nothing runs until the job starts.
        Multi<GenerationEvent> generation = observer.observe(model, pipeline.generate(request));
        return submit(model, pipeline.info().provider(), request, generation);
    }

    /**
     * Queues any generation stream (the SDK's, or a test double). {@code deviceKey} groups jobs that share
     * concurrency slots.
     *
     * @throws QueueFullException when {@code capacity} jobs wait already
     */
    public Job submit(String model, String deviceKey, GenerationRequest request, Multi<GenerationEvent> generation) {
        if (closed) {
            throw new IllegalStateException("The generation queue is closed");
        }
        Job job = new Job(this, model, deviceKey, request, generation, settings.historySize());
        synchronized (lock) {
            if (queued.size() >= settings.capacity()) {
                throw new QueueFullException(settings.capacity(), retryAfterLocked());
            }
            queued.addLast(job);
            job.position(queued.size());
            jobs.put(job.id(), job);
        }
        LOG.debugf("Job %s queued for model %s on %s", job.id(), model, deviceKey);
        job.publishPosition();
        dispatch();
        return job;
    }

    /** The job with this id, while it is queued, running or finished and not yet expired. */
    public Optional<Job> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(jobs.get(id));
    }

    /** Queued and running jobs, then the finished ones still kept. */
    public List<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    @Override
    public int queueDepth() {
        synchronized (lock) {
            return queued.size();
        }
    }

    @Override
    public int activeJobs() {
        synchronized (lock) {
            return running;
        }
    }

    @Override
    public List<JobSummary> recent(int max) {
        return jobs.values().stream()
                .sorted(Comparator.comparing(Job::createdAt).reversed())
                .limit(Math.max(0, max))
                .map(j -> new JobSummary(j.id(), j.model(), j.state().id(),
                        j.request() != null ? j.request().prompt() : "", j.progress(), j.createdAt()))
                .toList();
    }

    /** Estimated wait before a job at {@code position} starts, from the mean duration of recent jobs. */
    Optional<Duration> estimateWait(int position) {
        if (position <= 0) {
            return Optional.empty();
        }
        long mean = meanJobNanos > 0 ? meanJobNanos : INITIAL_JOB_ESTIMATE.toNanos();
        long rounds = (position + settings.concurrency() - 1) / settings.concurrency();
        return Optional.of(Duration.ofNanos(mean * rounds));
    }

    private Duration retryAfterLocked() {
        long mean = meanJobNanos > 0 ? meanJobNanos : INITIAL_JOB_ESTIMATE.toNanos();
        // A slot opens when the first queued job starts: about one job time per round of the concurrency.
        long rounds = Math.max(1, (running + settings.concurrency() - 1) / settings.concurrency());
        Duration d = Duration.ofNanos(mean * rounds);
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    /** Starts queued jobs while their device has free slots, and refreshes queue positions. */
    private void dispatch() {
        List<Job> toStart = new ArrayList<>();
        List<Job> waiting;
        synchronized (lock) {
            for (Iterator<Job> it = queued.iterator(); it.hasNext(); ) {
                Job job = it.next();
                int busy = runningPerDevice.getOrDefault(job.deviceKey(), 0);
                if (busy < settings.concurrency() && job.transition(JobState.QUEUED, JobState.RUNNING)) {
                    it.remove();
                    runningPerDevice.put(job.deviceKey(), busy + 1);
                    running++;
                    toStart.add(job);
                }
            }
            int p = 0;
            for (Job job : queued) {
                job.position(++p);
            }
            waiting = List.copyOf(queued);
        }
        // Events and subscriptions happen outside the lock: subscribers may call back into the queue (cancel).
        for (Job job : toStart) {
            job.start();
        }
        for (Job job : waiting) {
            job.publishPosition();
        }
    }

    /** A running job completed or failed: frees its slot. */
    void finished(Job job) {
        long nanos = job.startedAt().map(s -> Duration.between(s, Instant.now()).toNanos()).orElse(0L);
        if (nanos > 0) {
            long mean = meanJobNanos;
            meanJobNanos = mean <= 0 ? nanos : (long) (0.7 * mean + 0.3 * nanos);
        }
        release(job);
        retire(job);
        dispatch();
    }

    /** Moves a queued or running job to CANCELLED; see {@link Job#cancel()}. */
    boolean cancel(Job job, String reason) {
        boolean wasRunning;
        synchronized (lock) {
            if (job.transition(JobState.QUEUED, JobState.CANCELLED)) {
                queued.remove(job);
                wasRunning = false;
            } else if (job.transition(JobState.RUNNING, JobState.CANCELLED)) {
                releaseLocked(job);
                wasRunning = true;
            } else {
                return false;
            }
        }
        job.cancelled(reason, wasRunning);
        retire(job);
        dispatch();
        return true;
    }

    private void release(Job job) {
        synchronized (lock) {
            releaseLocked(job);
        }
    }

    private void releaseLocked(Job job) {
        runningPerDevice.computeIfPresent(job.deviceKey(), (k, v) -> v <= 1 ? null : v - 1);
        running--;
    }

    private void retire(Job job) {
        finishedJobs.addLast(job);
        while (finishedJobs.size() > MAX_FINISHED_JOBS) {
            Job oldest = finishedJobs.pollFirst();
            if (oldest != null) {
                jobs.remove(oldest.id(), oldest);
            }
        }
    }

    /** Forgets finished jobs older than {@code expire-after}. */
    void sweep() {
        try {
            Instant limit = Instant.now().minus(settings.expireAfter());
            int removed = 0;
            for (Iterator<Job> it = finishedJobs.iterator(); it.hasNext(); ) {
                Job job = it.next();
                Instant end = job.finishedAt().orElse(null);
                if (end != null && end.isBefore(limit)) {
                    it.remove();
                    jobs.remove(job.id(), job);
                    removed++;
                }
            }
            if (removed > 0) {
                LOG.debugf("Expired %d finished jobs", removed);
            }
        } catch (RuntimeException e) {
            // a failed sweep must not stop the periodic task
            LOG.warn("Job expiry sweep failed", e);
        }
    }

    /** Cancels every queued and running job and stops the expiry sweep. */
    @PreDestroy
    public void close() {
        closed = true;
        sweeper.shutdownNow();
        for (Job job : List.copyOf(jobs.values())) {
            if (!job.state().isTerminal()) {
                cancel(job, "shutdown");
            }
        }
    }
}

package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.GenerationObserver;
import io.smallrye.mutiny.Multi;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The in-process queue (backend {@code memory}, the default): a bounded waiting room of {@link LocalJob}s, run with a
 * fixed number of concurrent jobs per device (default 1, since two generations on one GPU mostly share its time).
 *
 * <ul>
 *   <li>{@link #submit} validates the request (the SDK throws {@link IllegalArgumentException} naming the field), then
 *       queues it or throws {@link ClientLimitException} (the client has {@code max-jobs-per-client} queued and
 *       running jobs) or {@link QueueFullException} with a retry-after estimate: memory never grows unbounded.</li>
 *   <li>Waiting jobs start round-robin between clients ({@link RoundRobinQueue}), FIFO within one client; queued jobs
 *       get a {@code queued} event each time their position changes.</li>
 *   <li>Finished jobs are kept for {@code jobs.expire-after}, then swept; together they hold at most
 *       {@code jobs.max-finished-bytes} (the oldest go first). Jobs whose id the client never received
 *       ({@link SubmitOptions#keep()} false) are dropped as soon as they end.</li>
 * </ul>
 */
public class MemoryGenerationQueue implements GenerationQueue {

    private static final Logger LOG = Logger.getLogger(MemoryGenerationQueue.class);

    /** Mean job time assumed for retry-after estimates before any job finished. */
    static final Duration INITIAL_JOB_ESTIMATE = Duration.ofSeconds(5);

    private final QueueSettings settings;
    private final GenerationObserver observer;
    private final DiffusionModels models;
    private final ClientKeys clients;
    private final Object lock = new Object();
    private final RoundRobinQueue<LocalJob> queued = new RoundRobinQueue<>(); // guarded by lock
    private final Map<String, Integer> runningPerDevice = new HashMap<>(); // guarded by lock
    private final Map<String, Integer> jobsPerClient = new HashMap<>(); // queued + running, guarded by lock
    private int running; // guarded by lock
    private final Map<String, LocalJob> jobs = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<LocalJob> finishedJobs = new ConcurrentLinkedDeque<>();
    private long finishedBytes; // guarded by finishedJobs
    private final ScheduledExecutorService sweeper;
    private volatile long meanJobNanos = -1;
    private volatile boolean closed;

    /** The queue of the application: runs the local models, clients from {@code clients}. */
    public MemoryGenerationQueue(QueueSettings settings, DiffusionModels models, GenerationObserver observer,
                                 ClientKeys clients) {
        this.settings = settings;
        this.observer = observer;
        this.models = models;
        this.clients = clients;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "diffusion4j-job-sweeper");
            t.setDaemon(true);
            return t;
        });
        // Sweep often enough that a job outlives its expiry by at most a quarter of it (1 s .. 1 min).
        long period = Math.max(1000, Math.min(60_000, settings.expireAfter().toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** A queue outside CDI (tests, plain Java) for generations given to {@link #submit(String, String, GenerationRequest, Multi, SubmitOptions)}. */
    public MemoryGenerationQueue(QueueSettings settings) {
        this(settings, null, (model, events) -> events, null);
    }

    public QueueSettings settings() {
        return settings;
    }

    @Override
    public Job submit(String model, GenerationRequest request, SubmitOptions options) {
        DiffusionPipeline pipeline = models == null ? null : models.get(model).orElse(null);
        if (pipeline == null) {
            throw new IllegalArgumentException("model '" + model + "' is not loaded here; loaded: "
                    + (models == null ? "none" : models.names()));
        }
        // generate() validates synchronously and is lazy: nothing runs until the job starts.
        Multi<GenerationEvent> generation = observer.observe(model, pipeline.generate(request));
        return submit(model, pipeline.info().provider(), request, generation, options);
    }

    /** Queues any generation stream (the SDK's, or a test double) for the default client, kept after it ends. */
    public LocalJob submit(String model, String deviceKey, GenerationRequest request, Multi<GenerationEvent> generation) {
        return submit(model, deviceKey, request, generation, SubmitOptions.DEFAULT);
    }

    /**
     * Queues any generation stream. {@code deviceKey} groups jobs that share concurrency slots.
     *
     * @throws ClientLimitException when the client has {@code max-jobs-per-client} jobs queued and running
     * @throws QueueFullException   when {@code capacity} jobs wait already
     */
    public LocalJob submit(String model, String deviceKey, GenerationRequest request, Multi<GenerationEvent> generation,
                           SubmitOptions options) {
        if (closed) {
            throw new IllegalStateException("The generation queue is closed");
        }
        String client = options.client() != null ? options.client()
                : clients != null ? clients.current() : ClientKeys.LOCAL;
        LocalJob job = new LocalJob(this, model, deviceKey, request, generation, settings.historySize(), client,
                options.keep());
        synchronized (lock) {
            int ofClient = jobsPerClient.getOrDefault(client, 0);
            if (ofClient >= settings.maxJobsPerClient()) {
                throw new ClientLimitException(settings.maxJobsPerClient(), retryAfterLocked());
            }
            if (queued.size() >= settings.capacity()) {
                throw new QueueFullException(settings.capacity(), retryAfterLocked());
            }
            queued.add(client, job);
            jobsPerClient.put(client, ofClient + 1);
            job.position(queued.size());
            jobs.put(job.id(), job);
        }
        LOG.debugf("Job %s queued for model %s on %s", job.id(), model, deviceKey);
        job.publishPosition();
        dispatch();
        return job;
    }

    @Override
    public Optional<Job> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(jobs.get(id));
    }

    @Override
    public ModelCatalog models() {
        return models == null ? ModelCatalog.of(Map.of(), "default") : ModelCatalog.local(models);
    }

    @Override
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

    /** Queued and running jobs of {@code client}. */
    public int jobsOf(String client) {
        synchronized (lock) {
            return jobsPerClient.getOrDefault(client, 0);
        }
    }

    @Override
    public List<JobSummary> recent(int max) {
        return jobs.values().stream()
                .sorted(Comparator.comparing(LocalJob::createdAt).reversed())
                .limit(Math.max(0, max))
                .map(j -> new JobSummary(j.id(), j.model(), j.state().id(), j.prompt(), j.progress(), j.createdAt()))
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

    /** Starts waiting jobs, round-robin between clients, while their device has free slots; refreshes positions. */
    private void dispatch() {
        List<LocalJob> toStart = new ArrayList<>();
        List<LocalJob> waiting;
        synchronized (lock) {
            boolean started = true;
            while (started) {
                started = false;
                for (LocalJob job : queued.order()) {
                    int busy = runningPerDevice.getOrDefault(job.deviceKey(), 0);
                    if (busy < settings.concurrency() && job.transition(JobState.QUEUED, JobState.RUNNING)) {
                        queued.remove(job.client(), job);
                        queued.served(job.client());
                        runningPerDevice.put(job.deviceKey(), busy + 1);
                        running++;
                        toStart.add(job);
                        started = true;
                        break; // the rotation changed: recompute the order
                    }
                }
            }
            waiting = queued.order();
            int p = 0;
            for (LocalJob job : waiting) {
                job.position(++p);
            }
        }
        // Events and subscriptions happen outside the lock: subscribers may call back into the queue (cancel).
        for (LocalJob job : toStart) {
            job.start();
        }
        for (LocalJob job : waiting) {
            job.publishPosition();
        }
    }

    /** A running job completed or failed: frees its slot. */
    void finished(LocalJob job) {
        long nanos = job.startedAt().map(s -> Duration.between(s, Instant.now()).toNanos()).orElse(0L);
        if (nanos > 0) {
            long mean = meanJobNanos;
            meanJobNanos = mean <= 0 ? nanos : (long) (0.7 * mean + 0.3 * nanos);
        }
        synchronized (lock) {
            releaseLocked(job);
        }
        dispatch();
    }

    /** Moves a queued or running job to CANCELLED; see {@link LocalJob#cancel(String)}. */
    boolean cancel(LocalJob job, String reason) {
        boolean wasRunning;
        synchronized (lock) {
            if (job.transition(JobState.QUEUED, JobState.CANCELLED)) {
                queued.remove(job.client(), job);
                decrementClientLocked(job);
                wasRunning = false;
            } else if (job.transition(JobState.RUNNING, JobState.CANCELLED)) {
                releaseLocked(job);
                wasRunning = true;
            } else {
                return false;
            }
        }
        job.cancelled(reason, wasRunning);
        dispatch();
        return true;
    }

    private void releaseLocked(LocalJob job) {
        runningPerDevice.computeIfPresent(job.deviceKey(), (k, v) -> v <= 1 ? null : v - 1);
        running--;
        decrementClientLocked(job);
    }

    private void decrementClientLocked(LocalJob job) {
        if (jobsPerClient.computeIfPresent(job.client(), (k, v) -> v <= 1 ? null : v - 1) == null) {
            queued.forget(job.client());
        }
    }

    /**
     * A job reached its terminal state and its waiters were told: keeps it for {@code expire-after} within the bytes
     * cap, or forgets it at once when its client never learnt its id.
     */
    void retire(LocalJob job) {
        if (!job.keep()) {
            jobs.remove(job.id(), job);
            return;
        }
        long bytes = job.retainedBytes();
        synchronized (finishedJobs) {
            finishedJobs.addLast(job);
            finishedBytes += bytes;
            while (finishedBytes > settings.maxFinishedBytes() && !finishedJobs.isEmpty()) {
                LocalJob oldest = finishedJobs.pollFirst();
                finishedBytes -= oldest.retainedBytes();
                jobs.remove(oldest.id(), oldest);
            }
        }
    }

    /** Bytes the kept finished jobs hold (PNGs, previews, events). */
    public long finishedBytes() {
        synchronized (finishedJobs) {
            return finishedBytes;
        }
    }

    /** Forgets finished jobs older than {@code expire-after}. */
    void sweep() {
        try {
            Instant limit = Instant.now().minus(settings.expireAfter());
            int removed = 0;
            synchronized (finishedJobs) {
                for (Iterator<LocalJob> it = finishedJobs.iterator(); it.hasNext(); ) {
                    LocalJob job = it.next();
                    Instant end = job.finishedAt().orElse(null);
                    if (end != null && end.isBefore(limit)) {
                        it.remove();
                        finishedBytes -= job.retainedBytes();
                        jobs.remove(job.id(), job);
                        removed++;
                    }
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
    @Override
    public void close() {
        closed = true;
        sweeper.shutdownNow();
        for (LocalJob job : List.copyOf(jobs.values())) {
            if (!job.state().isTerminal()) {
                cancel(job, "shutdown");
            }
        }
    }
}

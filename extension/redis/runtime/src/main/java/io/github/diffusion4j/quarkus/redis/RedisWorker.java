package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.QueueSettings;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs jobs of the models this node holds: takes waiting jobs (round-robin between clients) through the work streams'
 * consumer group, heart-beats its running jobs, publishes its models for API-only nodes, and takes over the jobs of
 * workers that stopped heart-beating ({@code XAUTOCLAIM} after {@code reclaim-after}). At most {@code concurrency}
 * jobs at once. All Redis calls of the loop happen on its own thread; event appends on the generation threads.
 */
final class RedisWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisWorker.class);

    private final RedisCommands redis;
    private final RedisKeys keys;
    private final QueueSettings settings;
    private final RedisQueueConfig config;
    private final LocalModels models;
    private final String consumer;
    private final Map<String, WorkerRun> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "diffusion4j-redis-worker");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private volatile boolean closed;
    private long lastHeartbeat;
    private long lastReclaim;
    private int modelCursor;

    RedisWorker(RedisCommands redis, RedisKeys keys, QueueSettings settings, RedisQueueConfig config,
                LocalModels models) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
        this.config = config;
        this.models = models;
        this.consumer = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    void start() {
        for (String model : models.names()) {
            try {
                redis.call(RedisCommands.cmd(Command.XGROUP, "CREATE", keys.work(model), RedisKeys.GROUP, "0",
                        "MKSTREAM"));
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()).contains("BUSYGROUP")) {
                    throw e;
                }
            }
        }
        publishModels();
        LOG.infof("Redis worker %s runs models %s (%d at once)", consumer, models.names(), settings.concurrency());
        long poll = config.pollInterval().toMillis();
        loop.scheduleWithFixedDelay(this::tick, 0, poll, TimeUnit.MILLISECONDS);
    }

    String consumer() {
        return consumer;
    }

    /** New work was announced, or a slot freed: look for work now. */
    void wake() {
        if (!closed && wakePending.compareAndSet(false, true)) {
            loop.execute(() -> {
                wakePending.set(false);
                tick();
            });
        }
    }

    List<Job> running() {
        List<Job> list = new ArrayList<>();
        for (WorkerRun run : running.values()) {
            list.add(run.snapshot());
        }
        return list;
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            long now = System.currentTimeMillis();
            if (now - lastHeartbeat >= config.heartbeatInterval().toMillis()) {
                lastHeartbeat = now;
                heartbeat();
                publishModels();
            }
            if (now - lastReclaim >= Math.max(500, config.reclaimAfter().toMillis() / 4)) {
                lastReclaim = now;
                while (running.size() < settings.concurrency() && reclaimOne()) {
                    // one taken-over job per free slot
                }
            }
            takeFreeSlots();
        } catch (RuntimeException e) {
            LOG.warnf("Redis worker loop: %s", e.getMessage());
            LOG.debug("Redis worker loop failure", e);
        }
    }

    private void publishModels() {
        long ttl = Math.max(3000, 3 * config.heartbeatInterval().toMillis());
        for (String name : models.names()) {
            models.describe(name).ifPresent(d -> {
                redis.call(RedisCommands.cmd(Command.SET, keys.model(name), EventCodec.json(d), "PX", ttl));
                redis.call(RedisCommands.cmd(Command.SADD, keys.models(), name));
            });
        }
    }

    /** One call for all running jobs of this worker. */
    private void heartbeat() {
        List<WorkerRun> runs = List.copyOf(running.values());
        if (runs.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>(List.of(keys.prefix(), consumer));
        for (WorkerRun run : runs) {
            args.addAll(List.of(run.id, run.model, run.entry, run.attempt));
        }
        Response r = redis.script(Scripts.HEARTBEAT, args.toArray());
        for (int i = 0; i < runs.size() && i < r.size(); i++) {
            if (r.get(i).toLong() == 0) {
                runs.get(i).stop("the job is no longer this worker's (cancelled, finished or taken over)");
            }
        }
    }

    /**
     * Fills the free slots: one call per model takes as many waiting jobs as there are free slots; models take turns
     * for the first pick, and the next model is asked only while slots stay free.
     */
    private void takeFreeSlots() {
        List<String> names = List.copyOf(models.names());
        for (int i = 0; i < names.size(); i++) {
            int free = settings.concurrency() - running.size();
            if (free <= 0) {
                return;
            }
            String model = names.get((modelCursor + i) % names.size());
            Response r = redis.script(Scripts.TAKE, keys.prefix(), model, consumer, System.currentTimeMillis(), free,
                    config.livePositions(), settings.historySize());
            if (r != null && r.size() >= 4) {
                modelCursor = (modelCursor + i + 1) % names.size();
                for (int j = 0; j + 3 < r.size(); j += 4) {
                    run(model, r.get(j).toString(), r.get(j + 1).toString(), 1, r.get(j + 2).toString(),
                            r.get(j + 3).toLong());
                }
            }
        }
    }

    /** Takes over one job whose worker stopped heart-beating, if any. */
    private boolean reclaimOne() {
        for (String model : models.names()) {
            Response r = redis.call(RedisCommands.cmd(Command.XAUTOCLAIM, keys.work(model), RedisKeys.GROUP, consumer,
                    config.reclaimAfter().toMillis(), "0-0", "COUNT", 1));
            Response claimed = r == null || r.size() < 2 ? null : r.get(1);
            if (claimed == null || claimed.size() == 0) {
                continue;
            }
            Response entry = claimed.get(0);
            String entryId = entry.get(0).toString();
            Response fields = entry.get(1);
            if (fields == null || fields.size() < 2) {
                continue; // deleted entry
            }
            String jobId = fields.get(1).toString();
            Response restart = redis.script(Scripts.RESTART, keys.prefix(), jobId, model, entryId,
                    consumer, config.maxAttempts(), System.currentTimeMillis(), settings.expireAfter().toSeconds(),
                    RedisGenerationQueue.TRANSIENT_TTL.toSeconds());
            int attempt = restart.get(0).toInteger();
            if (attempt > 0) {
                LOG.infof("Job %s taken over from a lost worker: attempt %d of %d", jobId, attempt, config.maxAttempts());
                run(model, jobId, entryId, attempt, restart.get(1).toString(), restart.get(2).toLong());
                return true;
            }
            if (attempt < 0) {
                LOG.warnf("Job %s failed: its worker was lost %d times", jobId, config.maxAttempts());
            }
        }
        return false;
    }

    private void run(String model, String jobId, String entry, int attempt, String requestJson, long created) {
        WorkerRun run = new WorkerRun(this, model, jobId, entry, attempt, created);
        running.put(jobId, run);
        try {
            GenerationRequest request = EventCodec.request(requestJson);
            // generate() validates synchronously (a bad request fails the job with a 400 problem) and is lazy
            run.start(models.generate(model, request));
        } catch (IllegalArgumentException e) {
            run.fail(new FailedEvent(jobId, "urn:diffusion4j:problem:invalid-request", "Invalid request", 400,
                    e.getMessage()));
        } catch (RuntimeException e) {
            run.fail(new FailedEvent(jobId, FailedEvent.TYPE, "Generation failed", 500, String.valueOf(e.getMessage())));
        }
    }

    /** A run ended on this worker (finished, stopped or failed): frees its slot. */
    void ended(WorkerRun run) {
        running.remove(run.id, run);
        wake();
    }

    RedisCommands redis() {
        return redis;
    }

    RedisKeys keys() {
        return keys;
    }

    QueueSettings settings() {
        return settings;
    }

    /**
     * Stops taking jobs and stops the running generations without finishing them in Redis: their pending entries
     * stay, and another worker takes them over after {@code reclaim-after}.
     */
    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        for (WorkerRun run : List.copyOf(running.values())) {
            run.abandon();
        }
    }
}

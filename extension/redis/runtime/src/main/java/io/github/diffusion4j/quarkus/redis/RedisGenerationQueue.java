package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.queue.ClientKeys;
import io.github.diffusion4j.quarkus.runtime.queue.ClientLimitException;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.github.diffusion4j.quarkus.runtime.queue.ModelCatalog;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import io.github.diffusion4j.quarkus.runtime.queue.QueueFullException;
import io.github.diffusion4j.quarkus.runtime.queue.QueueSettings;
import io.github.diffusion4j.quarkus.runtime.queue.SubmitOptions;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The queue of the {@code redis} backend on one node. Submitting, finding, cancelling and following jobs work from any
 * node; a worker node ({@code queue.worker=true}, the default) also runs jobs of the models it holds
 * ({@link RedisWorker}). All state is in Redis (see {@link RedisKeys}), so an API node can restart, or a request can
 * land on another node, without losing anything.
 */
final class RedisGenerationQueue implements GenerationQueue {

    private static final Logger LOG = Logger.getLogger(RedisGenerationQueue.class);
    /** How long a job whose client never learnt its id is kept after it ends, for its waiter to read it. */
    static final Duration TRANSIENT_TTL = Duration.ofMinutes(1);

    private final RedisCommands redis;
    private final RedisKeys keys;
    private final QueueSettings settings;
    private final RedisQueueConfig config;
    private final ClientKeys clients;
    private final LocalModels models;
    private final EventFeed feed;
    private final RedisWorker worker;
    /** This node in {@code P:submitted} messages. */
    private final String origin;
    private volatile ModelCatalog catalog;
    private volatile long catalogNanos;

    RedisGenerationQueue(RedisCommands redis, RedisKeys keys, QueueSettings settings, RedisQueueConfig config,
                         LocalModels models, ClientKeys clients, boolean runsJobs) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
        this.config = config;
        this.clients = clients;
        this.models = models;
        this.worker = runsJobs && !models.names().isEmpty()
                ? new RedisWorker(redis, keys, settings, config, models) : null;
        this.origin = worker != null ? worker.consumer() : "api";
        // a worker looks for work at once after a submission on its own node; others' submissions wake it
        String own = " " + origin;
        this.feed = new EventFeed(redis, keys, this, worker == null ? null : payload -> {
            if (!payload.endsWith(own)) {
                worker.wake();
            }
        });
        feed.start();
        if (worker != null) {
            worker.start();
        }
    }

    EventFeed feed() {
        return feed;
    }

    @Override
    public Job submit(String model, GenerationRequest request, SubmitOptions options) {
        String client = options.client() != null ? options.client()
                : clients != null ? clients.current() : ClientKeys.LOCAL;
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        String requestJson = EventCodec.json(request);
        Response r = redis.script(Scripts.SUBMIT, keys.prefix(), id, model, client, requestJson, now,
                options.keep() ? "1" : "0", settings.capacity(), settings.maxJobsPerClient(), config.livePositions(),
                settings.historySize(), origin);
        long code = r.get(0).toLong();
        long mean = r.size() > 1 && r.get(1).toLong() > 0 ? r.get(1).toLong() : 5000;
        Duration retryAfter = Duration.ofMillis(Math.max(1000, mean));
        if (code == -2) {
            throw new ClientLimitException(settings.maxJobsPerClient(), retryAfter);
        }
        if (code == -1) {
            throw new QueueFullException(settings.capacity(), retryAfter);
        }
        LOG.debugf("Job %s queued in Redis for model %s (client %s, position %d)", id, model, client, code);
        if (worker != null) {
            worker.wake();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("model", model);
        fields.put("client", client);
        fields.put("state", JobState.QUEUED.id());
        fields.put("created", Long.toString(now));
        fields.put("request", requestJson);
        fields.put("lastEvent", "1");
        return new RedisJob(this, id, fields, (int) code, mean, null);
    }

    @Override
    public Optional<Job> find(String id) {
        if (id == null || id.isBlank() || id.length() > 64) {
            return Optional.empty();
        }
        Response r = redis.script(Scripts.FIND, keys.prefix(), id);
        Map<String, String> fields = Replies.map(r.get(0));
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RedisJob(this, id, fields, r.get(1).toInteger(), r.get(2).toLong(), null));
    }

    /**
     * The job with its result once it is terminal; {@code null} while it runs. A vanished job reads as failed. One
     * script call, which also deletes a job that only its synchronous waiter knows.
     */
    Uni<Job> finishedSnapshot(String id) {
        return redis.sendScript(Scripts.FINISHED, keys.prefix(), id).map(r -> {
            long code = r.get(0).toLong();
            if (code == 0) {
                Map<String, String> gone = Map.of("state", JobState.FAILED.id(), "error", EventCodec.json(
                        new FailedEvent(id, FailedEvent.TYPE, "Job expired", 500,
                                "job " + id + " expired in Redis before it finished")));
                return new RedisJob(this, id, gone, 0, 0, null);
            }
            if (code == 1) {
                return null;
            }
            Map<String, String> fields = Replies.map(r.get(1));
            JobResult res = JobState.COMPLETED.id().equals(fields.get("state")) ? result(r.get(2)) : null;
            return new RedisJob(this, id, fields, 0, 0, res);
        });
    }

    Optional<JobResult> loadResult(String id) {
        return Optional.ofNullable(result(redis.call(RedisCommands.cmd(Command.HGETALL, keys.result(id)))));
    }

    /** A result hash reply as the job's result; {@code null} when it holds none. */
    static JobResult result(Response r) {
        Map<String, String> fields = Replies.map(r);
        String meta = fields.get("meta");
        if (meta == null) {
            return null;
        }
        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; fields.containsKey("png:" + i); i++) {
            pngs.add(Replies.bytes(r, "png:" + i));
        }
        return EventCodec.result(meta, pngs);
    }

    /** Cancels from any node; on the event loop the command is sent without waiting. */
    boolean cancel(String id, String reason) {
        Object[] args = {keys.prefix(), id, reason, System.currentTimeMillis(), settings.expireAfter().toSeconds(),
                TRANSIENT_TTL.toSeconds(), config.livePositions(), settings.historySize()};
        if (Context.isOnEventLoopThread()) {
            redis.sendScript(Scripts.CANCEL, args).subscribe().with(x -> { },
                    e -> LOG.debugf("Cancelling job %s failed: %s", id, e.getMessage()));
            return true;
        }
        return redis.script(Scripts.CANCEL, args).toLong() == 1;
    }

    String promptOf(String requestJson) {
        if (requestJson == null) {
            return "";
        }
        try {
            return EventCodec.request(requestJson).prompt();
        } catch (RuntimeException e) {
            return "";
        }
    }

    @Override
    public ModelCatalog models() {
        ModelCatalog c = catalog;
        if (c != null && (System.nanoTime() - catalogNanos < 1_000_000_000L || Context.isOnEventLoopThread())) {
            return c;
        }
        Map<String, ModelDescriptor> all = new LinkedHashMap<>();
        for (String name : models.names()) {
            models.describe(name).ifPresent(d -> all.put(name, d));
        }
        try {
            Response names = redis.call(RedisCommands.cmd(Command.SMEMBERS, keys.models()));
            for (int i = 0; names != null && i < names.size(); i++) {
                String name = names.get(i).toString();
                if (all.containsKey(name)) {
                    continue;
                }
                Response json = redis.call(RedisCommands.cmd(Command.GET, keys.model(name)));
                if (json != null) {
                    all.put(name, EventCodec.descriptor(json.toString()));
                }
            }
        } catch (RuntimeException e) {
            if (c != null) {
                return c; // Redis unreachable: the last known models
            }
            throw e;
        }
        String defaultName = all.containsKey(models.defaultName()) || all.isEmpty() ? models.defaultName()
                : all.keySet().iterator().next();
        c = ModelCatalog.of(all, defaultName);
        catalog = c;
        catalogNanos = System.nanoTime();
        return c;
    }

    @Override
    public List<Job> jobs() {
        return worker == null ? List.of() : worker.running();
    }

    @Override
    public int queueDepth() {
        return counter(keys.waitingCount());
    }

    @Override
    public int activeJobs() {
        return counter(keys.runningCount());
    }

    private int counter(String key) {
        try {
            Response r = redis.call(RedisCommands.cmd(Command.GET, key));
            return r == null ? 0 : Math.max(0, r.toInteger());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public List<JobSummary> recent(int max) {
        return jobs().stream().limit(Math.max(0, max))
                .map(j -> new JobSummary(j.id(), j.model(), j.state().id(), j.prompt(), j.progress(), j.createdAt()))
                .toList();
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        feed.close();
    }
}

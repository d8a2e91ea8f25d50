package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.github.diffusion4j.quarkus.runtime.queue.JobEventData;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Follows job event streams for this node's subscribers: one pub/sub connection per node (channel {@code P:events}
 * carries the id of a job that got an event (or several ids, comma-separated); {@code P:submitted} wakes the worker), then an {@code XRANGE} from the
 * subscriber's last id. A subscriber reads only as fast as it asks (the stream is the buffer), and every subscriber is
 * also polled once a second so that a message lost while the connection was re-established delays, never loses, an
 * event.
 */
final class EventFeed implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventFeed.class);
    private static final int BATCH = 64;
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    private final RedisCommands redis;
    private final RedisKeys keys;
    private final RedisGenerationQueue queue;
    /** Called with the payload of {@code P:submitted}: "MODEL NODE". */
    private final Consumer<String> onSubmitted;
    /** Per job: what to do on an event (its name) or on a poll ({@code null}). */
    private final Map<String, Set<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "diffusion4j-redis-feed");
        t.setDaemon(true);
        return t;
    });
    private volatile RedisConnection connection;
    private volatile boolean closed;

    EventFeed(RedisCommands redis, RedisKeys keys, RedisGenerationQueue queue, Consumer<String> onSubmitted) {
        this.redis = redis;
        this.keys = keys;
        this.queue = queue;
        this.onSubmitted = onSubmitted;
    }

    void start() {
        connect();
        timer.scheduleWithFixedDelay(this::pollAll, 1, 1, TimeUnit.SECONDS);
    }

    private void connect() {
        if (closed) {
            return;
        }
        redis.connect().subscribe().with(conn -> {
            connection = conn;
            conn.handler(this::onMessage);
            conn.exceptionHandler(e -> reconnect("failed: " + e.getMessage()));
            conn.endHandler(() -> reconnect("closed"));
            conn.send(RedisCommands.cmd(Command.SUBSCRIBE, keys.eventsChannel(), keys.submittedChannel()))
                    .subscribe().with(ok -> pollAll(), e -> reconnect("subscribe failed: " + e.getMessage()));
        }, e -> reconnect("connect failed: " + e.getMessage()));
    }

    private void reconnect(String why) {
        if (closed) {
            return;
        }
        LOG.debugf("Redis event subscription %s; reconnecting", why);
        RedisConnection old = connection;
        connection = null;
        if (old != null) {
            old.close().subscribe().with(x -> { }, x -> { });
        }
        timer.schedule(this::connect, 1, TimeUnit.SECONDS);
    }

    private void onMessage(Response message) {
        if (message == null || message.size() < 3 || !"message".equals(message.get(0).toString())) {
            return;
        }
        String channel = message.get(1).toString();
        String payload = message.get(2).toString();
        if (channel.equals(keys.eventsChannel())) {
            // "ID NAME", or "ID1,ID2,... NAME" when one change gave several jobs an event (queue positions)
            int space = payload.indexOf(' ');
            String ids = space < 0 ? payload : payload.substring(0, space);
            String name = space < 0 ? "" : payload.substring(space + 1);
            int from = 0;
            for (int comma = ids.indexOf(','); comma >= 0; comma = ids.indexOf(',', from)) {
                notify(ids.substring(from, comma), name);
                from = comma + 1;
            }
            notify(ids.substring(from), name);
        } else if (channel.equals(keys.submittedChannel()) && onSubmitted != null) {
            onSubmitted.accept(payload);
        }
    }

    private void notify(String jobId, String eventName) {
        Set<Consumer<String>> set = listeners.get(jobId);
        if (set != null) {
            set.forEach(l -> l.accept(eventName));
        }
    }

    private void pollAll() {
        try {
            listeners.values().forEach(set -> set.forEach(l -> l.accept(null)));
        } catch (RuntimeException e) {
            LOG.debug("Polling job streams failed", e);
        }
    }

    private void register(String jobId, Consumer<String> listener) {
        listeners.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    private void unregister(String jobId, Consumer<String> listener) {
        listeners.computeIfPresent(jobId, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Events of job {@code jobId} after {@code afterId}, then live ones until the terminal event. */
    Multi<JobEvent> events(String jobId, long afterId) {
        return Multi.createFrom().<JobEvent>emitter(emitter -> {
            StreamReader reader = new StreamReader(jobId, afterId, emitter);
            register(jobId, reader.listener);
            emitter.onTermination(() -> {
                reader.done = true;
                unregister(jobId, reader.listener);
            });
            emitter.onRequest(n -> reader.pull());
            reader.pull();
        }, BackPressureStrategy.BUFFER).emitOn(Infrastructure.getDefaultWorkerPool());
    }

    /** The job once it reached a terminal state (with its result), checked at each of its events. */
    Uni<Job> whenFinished(String jobId) {
        return Uni.createFrom().<Job>emitter(emitter -> {
            AtomicBoolean done = new AtomicBoolean();
            AtomicBoolean busy = new AtomicBoolean();
            @SuppressWarnings("unchecked")
            Consumer<String>[] check = new Consumer[1];
            check[0] = eventName -> {
                // only a terminal event (or a poll, null) can finish the job: step events cost nothing here
                if (eventName != null && !TERMINAL.contains(eventName)) {
                    return;
                }
                if (done.get() || !busy.compareAndSet(false, true)) {
                    return;
                }
                queue.finishedSnapshot(jobId).subscribe().with(job -> {
                    busy.set(false);
                    if (job != null && done.compareAndSet(false, true)) {
                        unregister(jobId, check[0]);
                        emitter.complete(job);
                    }
                }, failure -> busy.set(false));
            };
            register(jobId, check[0]);
            emitter.onTermination(() -> {
                done.set(true);
                unregister(jobId, check[0]);
            });
            check[0].accept(null);
        }).emitOn(Infrastructure.getDefaultWorkerPool());
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        RedisConnection c = connection;
        if (c != null) {
            c.close().subscribe().with(x -> { }, x -> { });
        }
    }

    /** Reads one subscriber's events from the job's stream, as fast as it asks for them. */
    private final class StreamReader {
        private final String jobId;
        private final MultiEmitter<? super JobEvent> emitter;
        private final AtomicBoolean busy = new AtomicBoolean();
        private final AtomicBoolean again = new AtomicBoolean();
        /** The one listener object registered for this reader (a method reference is a new object each time). */
        final Consumer<String> listener = eventName -> pull();
        private volatile long cursor;
        private volatile boolean done;
        private int emptyReads;

        StreamReader(String jobId, long afterId, MultiEmitter<? super JobEvent> emitter) {
            this.jobId = jobId;
            this.cursor = afterId;
            this.emitter = emitter;
        }

        void pull() {
            if (done) {
                return;
            }
            if (!busy.compareAndSet(false, true)) {
                again.set(true);
                return;
            }
            again.set(false);
            long n = Math.min(emitter.requested(), BATCH);
            if (n <= 0) {
                busy.set(false);
                return;
            }
            redis.sendScript(Scripts.READ, keys.prefix(), jobId, cursor, n)
                    .subscribe().with(r -> onRange(r.get(0), r.get(1), n), e -> {
                        LOG.debugf("Reading the events of job %s failed: %s", jobId, e.getMessage());
                        busy.set(false);
                    });
        }

        private void onRange(Response entries, Response result, long asked) {
            int size = entries == null ? 0 : entries.size();
            for (int i = 0; i < size && !done; i++) {
                Response entry = entries.get(i);
                long seq = Replies.sequence(entry.get(0).toString());
                Response fields = entry.get(1);
                String name = null;
                String json = null;
                for (int f = 0; f + 1 < fields.size(); f += 2) {
                    String k = fields.get(f).toString();
                    if (k.equals("t")) {
                        name = fields.get(f + 1).toString();
                    } else if (k.equals("d")) {
                        json = fields.get(f + 1).toString();
                    }
                }
                cursor = seq;
                if ("completed".equals(name)) {
                    emitCompleted(seq, result);
                    return; // terminal: nothing follows it
                }
                JobEventData data = EventCodec.event(name, json);
                if (data != null) {
                    emitter.emit(new JobEvent(seq, data));
                    if (data.isTerminal()) {
                        finish();
                        return;
                    }
                }
            }
            busy.set(false);
            if (size == 0) {
                checkGone();
            } else {
                emptyReads = 0;
            }
            if (size >= asked || again.get()) {
                pull();
            }
        }

        private void emitCompleted(long seq, Response resultHash) {
            JobResult result = RedisGenerationQueue.result(resultHash);
            if (result != null) {
                emitter.emit(new JobEvent(seq, EventCodec.completed(jobId, result)));
            }
            finish();
        }

        /** A stream that stays empty while its job hash is gone: the job expired, end the stream. */
        private void checkGone() {
            if (++emptyReads % 5 != 0) {
                return;
            }
            redis.send(RedisCommands.cmd(Command.EXISTS, keys.job(jobId))).subscribe().with(r -> {
                if (r != null && r.toLong() == 0) {
                    finish();
                }
            }, e -> { });
        }

        private void finish() {
            done = true;
            unregister(jobId, listener);
            emitter.complete();
        }
    }
}

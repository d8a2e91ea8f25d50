package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobEvent;
import io.github.diffusion4j.quarkus.runtime.queue.JobResult;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A job of the Redis backend as read at one moment (one {@code HGETALL} of its hash): the getters are that snapshot;
 * {@link #events}, {@link #whenFinished()} and {@link #cancel} act on the live job in Redis, from any node.
 */
final class RedisJob implements Job {

    private final RedisGenerationQueue queue;
    private final String id;
    private final Map<String, String> fields;
    private final int position;
    private final long meanJobMillis;
    private final JobResult result;

    RedisJob(RedisGenerationQueue queue, String id, Map<String, String> fields, int position, long meanJobMillis,
             JobResult result) {
        this.queue = queue;
        this.id = id;
        this.fields = Map.copyOf(fields);
        this.position = position;
        this.meanJobMillis = meanJobMillis;
        this.result = result;
    }

    private String field(String name) {
        return fields.get(name);
    }

    private long number(String name) {
        String v = fields.get(name);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            return (long) Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Optional<Instant> instant(String name) {
        long ms = number(name);
        return ms > 0 ? Optional.of(Instant.ofEpochMilli(ms)) : Optional.empty();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String model() {
        return field("model");
    }

    @Override
    public String prompt() {
        return queue == null ? "" : queue.promptOf(field("request"));
    }

    /** The client it counts against. */
    String client() {
        return field("client");
    }

    @Override
    public JobState state() {
        String s = field("state");
        for (JobState state : JobState.values()) {
            if (state.id().equals(s)) {
                return state;
            }
        }
        return JobState.QUEUED;
    }

    @Override
    public OptionalInt position() {
        return state() == JobState.QUEUED && position > 0 ? OptionalInt.of(position) : OptionalInt.empty();
    }

    @Override
    public double progress() {
        if (state() == JobState.COMPLETED) {
            return 1.0;
        }
        long total = number("total");
        return total == 0 ? 0.0 : (double) number("step") / total;
    }

    @Override
    public int step() {
        return (int) number("step");
    }

    @Override
    public int totalSteps() {
        return (int) number("total");
    }

    @Override
    public Optional<Duration> eta() {
        JobState s = state();
        if (s == JobState.RUNNING && fields.containsKey("eta")) {
            return Optional.of(Duration.ofMillis(number("eta")));
        }
        if (s == JobState.QUEUED && position > 0) {
            return Optional.of(Duration.ofMillis(Math.max(1, meanJobMillis) * position));
        }
        return Optional.empty();
    }

    @Override
    public Instant createdAt() {
        return instant("created").orElse(Instant.EPOCH);
    }

    @Override
    public Optional<Instant> startedAt() {
        return instant("started");
    }

    @Override
    public Optional<Instant> finishedAt() {
        return instant("finished");
    }

    @Override
    public Optional<FailedEvent> error() {
        String json = field("error");
        return json == null ? Optional.empty() : Optional.of(EventCodec.read(json, FailedEvent.class));
    }

    @Override
    public Optional<JobResult> result() {
        if (state() != JobState.COMPLETED) {
            return Optional.empty();
        }
        return result != null ? Optional.of(result) : queue.loadResult(id);
    }

    @Override
    public Optional<String> cancelReason() {
        return Optional.ofNullable(field("cancelReason"));
    }

    @Override
    public long lastEventId() {
        return number("lastEvent");
    }

    @Override
    public int attempts() {
        return (int) number("attempts");
    }

    @Override
    public boolean cancel(String reason) {
        return queue.cancel(id, reason);
    }

    @Override
    public Uni<Job> whenFinished() {
        return queue.feed().whenFinished(id);
    }

    @Override
    public Multi<JobEvent> events(long afterId) {
        return queue.feed().events(id, afterId);
    }

    @Override
    public String toString() {
        return "Job[" + id + ", " + model() + ", " + state() + "]";
    }
}

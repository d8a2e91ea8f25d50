package io.github.diffusion4j.quarkus.redis;

/**
 * The key layout in Redis. {@code P} is {@code quarkus.diffusion4j.queue.redis.key-prefix}.
 *
 * <pre>
 * P:job:ID         hash    state, model, client, request (JSON), attempts, step/total/eta, lastEvent, error ... (TTL once finished)
 * P:ev:ID          stream  the job's events, ids 0-1, 0-2, ... = SSE ids; fields t (name), d (JSON)  (TTL once finished)
 * P:res:ID         hash    meta (JSON: seeds, sizes, metadata, timings), png:0, png:1, ... (TTL)
 * P:wait:MODEL     zset    waiting job ids, scored round-robin between clients
 * P:work:MODEL     stream  jobs handed to workers; consumer group "workers" (pending entries = running jobs)
 * P:waiting        string  waiting jobs over the cluster (capacity)
 * P:running        string  running jobs over the cluster
 * P:client:KEY     string  queued + running jobs of one client (per-client cap)
 * P:rounds         hash    client -> round of its newest waiting job; P:round  the round being served
 * P:models         set     published model names; P:model:NAME  string (JSON descriptor) with a TTL of 3 heartbeats
 * P:stats          hash    mean job time
 * channels P:events ("ID NAME": job ID got event NAME; "ID1,ID2,... queued" for new queue positions),
 *          P:submitted ("MODEL NODE": new work, submitted on NODE)
 * </pre>
 */
final class RedisKeys {

    static final String GROUP = "workers";

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    String job(String id) {
        return prefix + ":job:" + id;
    }

    String events(String id) {
        return prefix + ":ev:" + id;
    }

    String result(String id) {
        return prefix + ":res:" + id;
    }

    String waiting(String model) {
        return prefix + ":wait:" + model;
    }

    String work(String model) {
        return prefix + ":work:" + model;
    }

    String waitingCount() {
        return prefix + ":waiting";
    }

    String runningCount() {
        return prefix + ":running";
    }

    String models() {
        return prefix + ":models";
    }

    String model(String name) {
        return prefix + ":model:" + name;
    }

    String stats() {
        return prefix + ":stats";
    }

    String eventsChannel() {
        return prefix + ":events";
    }

    String submittedChannel() {
        return prefix + ":submitted";
    }
}

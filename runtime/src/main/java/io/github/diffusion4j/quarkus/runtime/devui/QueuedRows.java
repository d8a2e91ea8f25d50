package io.github.diffusion4j.quarkus.runtime.devui;

import io.github.diffusion4j.quarkus.runtime.RecentJobs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live changes of the jobs waiting in the queue, for the Dev UI's jobs page: a row when a job is queued, again when
 * its position or progress changes, and a {@code removed} row when it leaves the queue (it then shows up as a
 * generation of the history, under the pipeline's id). Read by polling: the queue (memory or Redis) tells no one about
 * submissions, and a dev-mode page asking the queue for 20 jobs once a second costs nothing.
 */
final class QueuedRows {

    static final int MAX_JOBS = 20;

    private final RecentJobs jobs;
    /** The queued rows last sent to this subscriber, by row id. */
    private final Map<String, Map<String, Object>> sent = new HashMap<>();

    private QueuedRows(RecentJobs jobs) {
        this.jobs = jobs;
    }

    /** The changes seen every {@code period}, one state per subscriber. */
    static Multi<Map<String, Object>> changes(RecentJobs jobs, Duration period) {
        return Multi.createFrom().deferred(() -> {
            QueuedRows rows = new QueuedRows(jobs);
            return Multi.createFrom().ticks().every(period).onOverflow().drop()
                    // a Redis queue answers over the network: never on the ticker's thread
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .onItem().transformToIterable(tick -> rows.poll());
        });
    }

    /** The rows that changed since the last poll, removals included. */
    synchronized List<Map<String, Object>> poll() {
        Map<String, Map<String, Object>> now = new LinkedHashMap<>();
        for (RecentJobs.JobSummary job : jobs.recent(MAX_JOBS)) {
            if ("queued".equals(job.state())) {
                Map<String, Object> row = JobRows.queued(job);
                now.put((String) row.get("id"), row);
            }
        }
        List<Map<String, Object>> changed = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : now.entrySet()) {
            if (!e.getValue().equals(sent.get(e.getKey()))) {
                changed.add(e.getValue());
            }
        }
        for (String id : sent.keySet()) {
            if (!now.containsKey(id)) {
                Map<String, Object> removed = new LinkedHashMap<>();
                removed.put("id", id);
                removed.put("removed", true);
                changed.add(removed);
            }
        }
        sent.clear();
        sent.putAll(now);
        return changed;
    }
}

package io.github.diffusion4j.quarkus.runtime.devui;

import io.github.diffusion4j.pipeline.Violation;
import io.github.diffusion4j.quarkus.runtime.GenerationHistory;
import io.github.diffusion4j.quarkus.runtime.RecentJobs;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Dev UI's rows: jobs and generations as plain maps, times as ISO-8601 to the millisecond. */
final class JobRows {

    /** Ids of rows that are REST queue jobs (cancellable through the queue). */
    static final String QUEUE_PREFIX = "queue:";

    private JobRows() {
    }

    static Map<String, Object> of(GenerationHistory.Entry e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", e.id());
        row.put("model", e.model());
        row.put("family", e.family());
        row.put("task", e.task());
        row.put("state", e.state());
        row.put("prompt", e.prompt());
        row.put("seed", e.seed());
        row.put("step", e.step());
        row.put("total", e.total());
        row.put("progress", e.progress());
        row.put("submitted", e.submitted().truncatedTo(ChronoUnit.MILLIS).toString());
        row.put("durationMs", Math.round(e.durationMs()));
        row.put("thumbnail", e.thumbnail());
        row.put("error", e.error());
        row.put("cancellable", false);
        return row;
    }

    static Map<String, Object> queued(RecentJobs.JobSummary job) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", QUEUE_PREFIX + job.id());
        row.put("model", job.model());
        row.put("state", job.state());
        row.put("prompt", job.prompt());
        row.put("progress", job.progress());
        row.put("submitted", job.submitted().truncatedTo(ChronoUnit.MILLIS).toString());
        row.put("cancellable", true);
        return row;
    }

    /** The playground's answer to an invalid request: every field error at once. */
    static Map<String, Object> invalid(List<Violation> violations) {
        List<Map<String, Object>> fields = new ArrayList<>();
        for (Violation v : violations) {
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("field", v.field());
            field.put("value", v.value());
            field.put("message", v.message());
            fields.add(field);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("type", "invalid");
        row.put("violations", fields);
        return row;
    }
}

package io.github.diffusion4j.quarkus.runtime.devui;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.ModelInfo;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.GenerationStats;
import io.github.diffusion4j.quarkus.runtime.RecentJobs;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dev UI back end (dev mode only): the loaded models and, when the queue provides {@link RecentJobs}, recent jobs.
 * Returns plain maps so that the Dev UI's JSON-RPC serialises them without knowing the SDK's types.
 */
public class DiffusionJsonRpcService {

    @Inject
    DiffusionModels models;

    @Inject
    Instance<RecentJobs> recentJobs;

    @Inject
    GenerationStats stats;

    /** One entry per model: name, layout, precision, provider, load time, defaults, folder. */
    public List<Map<String, Object>> getModels() {
        List<Map<String, Object>> result = new ArrayList<>();
        for (String name : models.names()) {
            DiffusionPipeline pipeline = models.get(name).orElse(null);
            if (pipeline == null) {
                continue;
            }
            ModelInfo info = pipeline.info();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("default", name.equals(models.defaultName()));
            row.put("layout", info.layout());
            row.put("precision", info.precision());
            row.put("provider", info.provider());
            row.put("loadTimeMs", info.loadTime().toMillis());
            row.put("scheduler", info.defaultScheduler());
            row.put("steps", info.defaultSteps());
            row.put("guidanceScale", info.defaultGuidance());
            row.put("width", info.defaultWidth());
            row.put("height", info.defaultHeight());
            row.put("path", String.valueOf(info.path()));
            result.add(row);
        }
        return result;
    }

    /** Up to 20 recent jobs, newest first; empty when no queue provides them. */
    public List<Map<String, Object>> getRecentJobs() {
        List<Map<String, Object>> result = new ArrayList<>();
        if (recentJobs.isResolvable()) {
            for (RecentJobs.JobSummary job : recentJobs.get().recent(20)) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", job.id());
                row.put("model", job.model());
                row.put("state", job.state());
                row.put("prompt", job.prompt());
                row.put("progress", job.progress());
                row.put("submitted", String.valueOf(job.submitted()));
                result.add(row);
            }
        }
        return result;
    }

    /** Queue depth and running generations. */
    public Map<String, Object> getStats() {
        return Map.of("queueDepth", stats.queueDepth(), "activeJobs", stats.activeJobs());
    }
}

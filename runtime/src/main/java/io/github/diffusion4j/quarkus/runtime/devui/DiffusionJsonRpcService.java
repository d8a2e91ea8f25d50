package io.github.diffusion4j.quarkus.runtime.devui;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.InvalidRequestException;
import io.github.diffusion4j.pipeline.ModelInfo;
import io.github.diffusion4j.pipeline.Violation;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.GenerationHistory;
import io.github.diffusion4j.quarkus.runtime.GenerationStats;
import io.github.diffusion4j.quarkus.runtime.RecentJobs;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Dev UI back end (dev mode only): the loaded models, every recent generation (through the REST queue, an injected
 * pipeline or the playground, from {@link GenerationHistory}) plus the jobs still waiting in the queue, a live stream
 * of changes, and the playground's streaming generation. Returns plain maps so that the Dev UI's JSON-RPC serialises
 * them without knowing the SDK's types.
 */
public class DiffusionJsonRpcService {

    @Inject
    DiffusionModels models;

    @Inject
    Instance<GenerationHistory> history;

    @Inject
    Instance<RecentJobs> recentJobs;

    @Inject
    Instance<GenerationQueue> queue;

    @Inject
    GenerationStats stats;

    /** How often the jobs page's stream looks at the queue. */
    static final Duration QUEUE_POLL = Duration.ofSeconds(1);

    private final PlaygroundRuns playground = new PlaygroundRuns();

    /** One entry per model: name, layout, precision, provider, load time, defaults, schedulers, limits, folder. */
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
            row.put("family", info.family());
            row.put("familyName", info.familyName());
            row.put("sizeMultiple", info.sizeMultiple());
            row.put("layout", info.layout());
            row.put("precision", info.precision());
            row.put("provider", info.provider());
            row.put("loadTimeMs", info.loadTime().toMillis());
            row.put("scheduler", info.defaultScheduler());
            row.put("schedulers", pipeline.schedulers());
            row.put("steps", info.defaultSteps());
            row.put("guidanceScale", info.defaultGuidance());
            row.put("width", info.defaultWidth());
            row.put("height", info.defaultHeight());
            row.put("maxWidth", pipeline.limits().maxWidth());
            row.put("maxHeight", pipeline.limits().maxHeight());
            row.put("maxSteps", pipeline.limits().maxSteps());
            row.put("maxBatch", pipeline.limits().maxBatch());
            row.put("path", String.valueOf(info.path()));
            row.put("components", components(info));
            result.add(row);
        }
        return result;
    }

    /** Each component's name, provider, load time and whether it is released after use. */
    private static List<Map<String, Object>> components(ModelInfo info) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ModelInfo.Component c : info.components()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", c.name());
            row.put("provider", c.provider());
            row.put("loadTimeMs", c.loadTime().toMillis());
            row.put("unloadAfterUse", c.unloadAfterUse());
            out.add(row);
        }
        return out;
    }

    /**
     * Up to 20 recent generations, newest first, after the jobs still waiting in the queue (which have not reached a
     * pipeline yet, so are not in the history: nothing is listed twice).
     */
    public List<Map<String, Object>> getRecentJobs() {
        List<Map<String, Object>> result = new ArrayList<>();
        if (recentJobs.isResolvable()) {
            for (RecentJobs.JobSummary job : recentJobs.get().recent(20)) {
                if ("queued".equals(job.state())) {
                    result.add(JobRows.queued(job));
                }
            }
        }
        if (history.isResolvable()) {
            for (GenerationHistory.Entry entry : history.get().recent()) {
                result.add(row(entry));
            }
        }
        return result;
    }

    /**
     * The live jobs page: every change of a generation (start, step, end) as it happens, and the jobs waiting in the
     * queue as they come and go (a {@code removed} row when one leaves it).
     */
    public Multi<Map<String, Object>> streamJobs() {
        Multi<Map<String, Object>> generations = history.isResolvable()
                ? history.get().updates().map(this::row) : Multi.createFrom().empty();
        if (!recentJobs.isResolvable()) {
            return generations;
        }
        return Multi.createBy().merging().streams(generations, QueuedRows.changes(recentJobs.get(), QUEUE_POLL));
    }

    /** A generation's row; a running one is cancellable when the playground or the REST queue runs it. */
    private Map<String, Object> row(GenerationHistory.Entry entry) {
        Map<String, Object> row = JobRows.of(entry);
        if ("running".equals(entry.state())) {
            row.put("cancellable", playground.isRunning(entry.id()) || runningQueueJob(entry).isPresent());
        }
        return row;
    }

    /**
     * The REST queue's job that runs this generation: the one running job of the same model and prompt (the
     * pipeline's listener does not know queue ids; two identical prompts running at once are left alone).
     */
    private Optional<Job> runningQueueJob(GenerationHistory.Entry entry) {
        if (!queue.isResolvable()) {
            return Optional.empty();
        }
        List<Job> matches = queue.get().jobs().stream()
                .filter(job -> job.state() == JobState.RUNNING && job.model().equals(entry.model())
                        && job.prompt().equals(entry.prompt()))
                .limit(2).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    /**
     * Cancels a row of the jobs page: a job waiting in the REST queue ({@code queue:<id>}), a running playground
     * generation (its playground shows "Cancelled"), or a running generation of the REST queue. A generation an
     * application runs through its own injected pipeline belongs to its subscriber and is not cancellable here.
     */
    public Map<String, Object> cancelJob(String id) {
        boolean cancelled = false;
        if (id != null && id.startsWith(JobRows.QUEUE_PREFIX) && queue.isResolvable()) {
            cancelled = queue.get().find(id.substring(JobRows.QUEUE_PREFIX.length()))
                    .map(job -> job.cancel("cancelled in the Dev UI")).orElse(false);
        } else if (playground.cancel(id)) {
            cancelled = true;
        } else if (id != null && history.isResolvable()) {
            cancelled = history.get().recent().stream()
                    .filter(e -> e.id().equals(id) && "running".equals(e.state()))
                    .findFirst().flatMap(this::runningQueueJob)
                    .map(job -> job.cancel("cancelled in the Dev UI")).orElse(false);
        }
        return Map.of("id", String.valueOf(id), "cancelled", cancelled);
    }

    /**
     * The playground: runs one generation and streams {@code started}, {@code step} (with a preview data URI when one
     * was rendered), then {@code completed} (the image as a data URI) or {@code invalid} (every field error at once:
     * {@code violations} of field, value, message) or {@code failed}, or {@code cancelled} when the jobs page cancelled
     * it. Cancelling the stream cancels the generation. Blank numbers mean the model's default.
     */
    public Multi<Map<String, Object>> generate(String model, String prompt, String negativePrompt, String scheduler,
            Integer steps, Double guidanceScale, Integer width, Integer height, Long seed, Integer batchSize,
            Integer previewInterval) {
        String name = model == null || model.isBlank() ? models.defaultName() : model;
        DiffusionPipeline pipeline = models.get(name).orElse(null);
        if (pipeline == null) {
            return Multi.createFrom().item(JobRows.invalid(List.of(new Violation("model", String.valueOf(model),
                    "model must be one of " + models.names()))));
        }
        GenerationRequest built;
        try {
            built = request(prompt, negativePrompt, scheduler, steps, guidanceScale, width, height, seed, previewInterval)
                    .batchSize(batchSize == null ? 1 : batchSize).build();
        } catch (InvalidRequestException e) {
            // the builder's own checks (size, guidance): shown like the model's
            return Multi.createFrom().item(JobRows.invalid(e.violations()));
        }
        List<Violation> violations = pipeline.validate(built);
        if (!violations.isEmpty()) {
            return Multi.createFrom().item(JobRows.invalid(violations));
        }
        return playground.run(pipeline, built, started -> jobIdOf(name, built, started));
    }

    /** The history's row of a playground generation that just started: running, same model, prompt and seed. */
    private String jobIdOf(String model, GenerationRequest request, GenerationEvent.Started started) {
        if (!history.isResolvable()) {
            return null;
        }
        return history.get().recent().stream()
                .filter(e -> "running".equals(e.state()) && e.model().equals(model)
                        && e.prompt().equals(request.prompt()) && e.seed() == started.seed()
                        && !playground.isRunning(e.id()))
                .map(GenerationHistory.Entry::id).findFirst().orElse(null);
    }

    private static GenerationRequest.Builder request(String prompt, String negativePrompt, String scheduler, Integer steps,
            Double guidanceScale, Integer width, Integer height, Long seed, Integer previewInterval) {
        GenerationRequest.Builder request = GenerationRequest.builder(prompt == null ? "" : prompt)
                .negativePrompt(blankToNull(negativePrompt))
                .scheduler(blankToNull(scheduler))
                .steps(steps)
                .guidanceScale(guidanceScale)
                .seed(seed)
                .previewInterval(previewInterval == null ? 1 : previewInterval);
        // one of the two alone keeps the other at the model's default
        return request.width(width).height(height);
    }

    /** Queue depth and running generations. */
    public Map<String, Object> getStats() {
        return Map.of("queueDepth", stats.queueDepth(), "activeJobs", stats.activeJobs());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}

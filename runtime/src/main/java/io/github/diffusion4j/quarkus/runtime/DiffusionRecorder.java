package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig;
import io.quarkus.arc.SyntheticCreationalContext;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import io.quarkus.runtime.configuration.ConfigurationException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Start-up code of the extension: loads the models the build decided on. */
@Recorder
public class DiffusionRecorder {

    private final RuntimeValue<DiffusionRuntimeConfig> config;

    public DiffusionRecorder(RuntimeValue<DiffusionRuntimeConfig> config) {
        this.config = config;
    }

    /** Creates the {@link DiffusionModels} bean: loads every model, in order, failing start-up on the first error. */
    public Function<SyntheticCreationalContext<DiffusionModels>, DiffusionModels> models(List<ModelSpec> specs,
            String defaultName) {
        return context -> {
            Map<String, DiffusionPipeline> loaded = new LinkedHashMap<>();
            if (!config.getValue().queue().worker()) {
                // an API-only node of a shared queue backend: workers run the models, requests are validated
                // against what they publish
                return new DiffusionModels(loaded, defaultName);
            }
            try {
                for (ModelSpec spec : specs) {
                    DiffusionRuntimeConfig.ModelRuntimeConfig modelConfig = config.getValue().models().get(spec.getConfigKey());
                    if (modelConfig == null) {
                        // @WithDefaults gives every key defaults; only a key unknown to the mapping lands here
                        modelConfig = config.getValue().models().get(DiffusionBuildTimeConfig.DEFAULT_MODEL);
                    }
                    loaded.put(spec.getName(), ModelLoader.load(spec, modelConfig));
                }
            } catch (RuntimeException e) {
                // close what loaded before the failure: the application does not start, native memory must not leak
                new DiffusionModels(loaded, defaultName).close();
                throw e;
            }
            return new DiffusionModels(loaded, defaultName);
        };
    }

    /** Creates one pipeline bean: the model {@code name} of the {@link DiffusionModels} bean, which owns and closes it. */
    public Function<SyntheticCreationalContext<DiffusionPipeline>, DiffusionPipeline> pipeline(String name) {
        return context -> context.getInjectedReference(DiffusionModels.class).get(name)
                .orElseThrow(() -> new IllegalStateException("Model '" + name + "' is not loaded"
                        + (config.getValue().queue().worker() ? "" : ": this is an API-only node "
                        + "(quarkus.diffusion4j.queue.worker=false), its models run on the workers")));
    }

    /** Fails start-up with a message naming the queue and job properties when they are out of range. */
    public void validateGlobalConfig() {
        DiffusionRuntimeConfig c = config.getValue();
        positive("quarkus.diffusion4j.queue.capacity", c.queue().capacity(), 0);
        positive("quarkus.diffusion4j.queue.concurrency", c.queue().concurrency(), 1);
        positive("quarkus.diffusion4j.jobs.history-size", c.jobs().historySize(), 1);
        positive("quarkus.diffusion4j.queue.max-jobs-per-client", c.queue().maxJobsPerClient(), 1);
        if (c.jobs().expireAfter().isNegative() || c.jobs().expireAfter().isZero()) {
            throw new ConfigurationException(
                    "quarkus.diffusion4j.jobs.expire-after must be positive, got " + c.jobs().expireAfter(),
                    Set.of("quarkus.diffusion4j.jobs.expire-after"));
        }
    }

    private static void positive(String property, int value, int min) {
        if (value < min) {
            throw new ConfigurationException(property + " must be at least " + min
                    + ", got " + value, Set.of(property));
        }
    }
}

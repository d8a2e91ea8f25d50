package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationListener;
import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.quarkus.runtime.ConfigNames;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.DiffusionRecorder;
import io.github.diffusion4j.quarkus.runtime.GenerationHistory;
import io.github.diffusion4j.quarkus.runtime.ModelLoader;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.github.diffusion4j.quarkus.runtime.ModelSpec;
import io.github.diffusion4j.quarkus.runtime.NoopGenerationObserver;
import io.github.diffusion4j.quarkus.runtime.NoopGenerationStats;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionBuildTimeConfig.ModelBuildTimeConfig;
import io.quarkus.arc.BeanDestroyer;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.SyntheticBeanBuildItem;
import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.arc.processor.DotNames;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.DevServicesResultBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.GeneratedResourceBuildItem;
import io.quarkus.deployment.builditem.LaunchModeBuildItem;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.ClassType;
import org.jboss.jandex.DotName;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides which models the application has, checks them at build time, and registers their beans.
 */
class DiffusionProcessor {

    private static final Logger LOG = Logger.getLogger(DiffusionProcessor.class);

    static final String FEATURE = "diffusion4j";
    /** Where the diffusion4j-model-scenes artifact (a dependency of this module) puts the development model. */
    static final String DEV_MODEL_PREFIX = "META-INF/diffusion4j/models/scenes/";
    /** Where models with {@code embed=true} are copied into the application. */
    static final String EMBEDDED_PREFIX = "META-INF/diffusion4j/embedded/";

    private static final DotName MODEL_NAME = DotName.createSimple(ModelName.class.getName());
    /** {@code quarkus.diffusion4j."name".key} or {@code quarkus.diffusion4j.name.key}. */
    private static final Pattern NAMED_PROPERTY = Pattern.compile("quarkus\\.diffusion4j\\.(?:\"([^\"]+)\"|([^.\"]+))\\.(.+)");
    /** Keys that make a name a model name when they follow it. */
    private static final Set<String> MODEL_KEYS = Set.of("enabled", "embed", "validate", "path", "provider",
            "cuda-device-id", "cpu-threads", "scheduler", "steps", "guidance-scale", "width", "height", "preview-interval",
            "limits.max-width", "limits.max-height", "limits.max-steps", "limits.max-batch", "limits.max-prompt-length",
            "limits.max-pixels", "limits.max-cost");

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    /** Why: the metrics gauges and the queue-less Dev UI need these beans even when no queue or Micrometer exists. */
    @BuildStep
    AdditionalBeanBuildItem defaultBeans() {
        return AdditionalBeanBuildItem.builder()
                .addBeanClasses(NoopGenerationStats.class, NoopGenerationObserver.class)
                .setUnremovable()
                .build();
    }

    /**
     * Why: the pipelines hand every generation to the {@link GenerationListener} beans, looked up at run time, so none
     * may be removed as unused; the history behind the Dev UI's jobs page exists in dev and test mode only.
     */
    @BuildStep
    void listeners(LaunchModeBuildItem launchMode, BuildProducer<AdditionalBeanBuildItem> beans,
            BuildProducer<UnremovableBeanBuildItem> unremovable) {
        unremovable.produce(UnremovableBeanBuildItem.beanTypes(GenerationListener.class));
        if (launchMode.getLaunchMode() != LaunchMode.NORMAL) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(GenerationHistory.class));
        }
    }

    /**
     * Why: @ModelName qualifies synthetic beans; ArC generates its literals from the bean archive index, which only
     * holds annotations of bean classes unless they are added.
     */
    @BuildStep
    AdditionalBeanBuildItem qualifier() {
        return new AdditionalBeanBuildItem(ModelName.class);
    }

    @BuildStep
    DiffusionModelsBuildItem models(DiffusionBuildTimeConfig config, CombinedIndexBuildItem index,
            LaunchModeBuildItem launchMode) {
        Config raw = ConfigProvider.getConfig();
        Set<String> named = namedModels(config, index, raw);
        String defaultKey = DiffusionBuildTimeConfig.DEFAULT_MODEL;
        ModelBuildTimeConfig defaultConfig = config.models().get(defaultKey);
        boolean defaultPathSet = raw.getOptionalValue(ConfigNames.property(defaultKey, "path"), String.class).isPresent();
        boolean defaultExplicit = raw.getOptionalValue(ConfigNames.property(defaultKey, "enabled"), Boolean.class)
                .orElse(false);
        // Only named models configured: no default one, unless its path is set or it is switched on explicitly.
        boolean hasDefault = (defaultConfig == null || defaultConfig.enabled())
                && (named.isEmpty() || defaultPathSet || defaultExplicit);

        List<ModelSpec> specs = new ArrayList<>();
        Map<String, Path> embedSources = new LinkedHashMap<>();
        if (hasDefault) {
            specs.add(spec(defaultKey, config, raw, launchMode.getLaunchMode(), embedSources));
        }
        for (String name : named) {
            ModelBuildTimeConfig modelConfig = config.models().get(name);
            if (modelConfig == null || modelConfig.enabled()) {
                specs.add(spec(name, config, raw, launchMode.getLaunchMode(), embedSources));
            }
        }
        String defaultName = specs.isEmpty() ? null : specs.get(0).getName();
        return new DiffusionModelsBuildItem(specs, defaultName, embedSources);
    }

    /** Model names from the configuration (build and run time properties alike) and from {@code @ModelName} injection points. */
    private static Set<String> namedModels(DiffusionBuildTimeConfig config, CombinedIndexBuildItem index, Config raw) {
        Set<String> names = new TreeSet<>();
        for (String key : config.models().keySet()) {
            if (!DiffusionBuildTimeConfig.DEFAULT_MODEL.equals(key) && !ConfigNames.RESERVED.contains(key)) {
                names.add(key);
            }
        }
        for (String property : raw.getPropertyNames()) {
            Matcher m = NAMED_PROPERTY.matcher(property);
            if (m.matches() && MODEL_KEYS.contains(m.group(3))) {
                String name = m.group(1) != null ? m.group(1) : m.group(2);
                if (m.group(1) != null && ConfigNames.DEFAULT_NAME.equals(name)) {
                    throw new ConfigurationException("\"default\" is the name of the default model: write "
                            + ConfigNames.PREFIX + m.group(3) + " instead of " + property, Set.of(property));
                }
                if (!ConfigNames.RESERVED.contains(name)) {
                    names.add(name);
                }
            }
        }
        for (AnnotationInstance annotation : index.getIndex().getAnnotations(MODEL_NAME)) {
            String name = annotation.value().asString();
            if (!ConfigNames.DEFAULT_NAME.equals(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static ModelSpec spec(String key, DiffusionBuildTimeConfig config, Config raw, LaunchMode launchMode,
            Map<String, Path> embedSources) {
        ModelSpec spec = new ModelSpec(ConfigNames.modelName(key), key);
        ModelBuildTimeConfig modelConfig = Optional.ofNullable(config.models().get(key))
                .orElse(config.models().get(DiffusionBuildTimeConfig.DEFAULT_MODEL));
        boolean embed = modelConfig != null && modelConfig.embed();
        boolean validate = modelConfig == null || modelConfig.validate();
        Optional<String> path = raw.getOptionalValue(spec.property("path"), String.class).filter(p -> !p.isBlank());
        if (path.isPresent()) {
            Path folder = Paths.get(path.get());
            if (Files.isDirectory(folder)) {
                if (validate) {
                    validate(spec, folder);
                }
                if (embed) {
                    spec.setEmbeddedPrefix(EMBEDDED_PREFIX + spec.getName() + "/");
                    spec.setEmbeddedFiles(ModelResources.filesOf(folder));
                    spec.setContentKey(ModelResources.contentKey(spec.getEmbeddedPrefix(), spec.getEmbeddedFiles(),
                            file -> Files.newInputStream(folder.resolve(file))));
                    embedSources.put(spec.getName(), folder);
                }
            } else if (embed) {
                throw new ConfigurationException(spec.property("embed") + " is true but " + spec.property("path") + " ("
                        + folder.toAbsolutePath() + ") does not exist on the build machine: build where the model is, or set "
                        + spec.property("embed") + "=false", Set.of(spec.property("path"), spec.property("embed")));
            } else if (launchMode != LaunchMode.NORMAL) {
                // dev and test run where they are built: a missing folder is a mistake, not a container path
                throw new ConfigurationException(spec.property("path") + " is " + folder.toAbsolutePath()
                        + ", which does not exist: set it to the folder of a Stable Diffusion ONNX export (model_index.json,"
                        + " text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/)", Set.of(spec.property("path")));
            } else {
                LOG.infof("Model folder %s of %s is not on the build machine: it is checked at start-up", folder,
                        spec.property("path"));
            }
        } else if (embed) {
            throw new ConfigurationException(spec.property("embed") + " is true but " + spec.property("path")
                    + " is not set: set it to the model folder to embed", Set.of(spec.property("path")));
        } else if (launchMode != LaunchMode.NORMAL && config.devservices().enabled()) {
            // Dev Services: the default and every named model without a path run the scenes model
            spec.setDevModelFolder(devModelFolder().toString());
        } else if (raw.getOptionalValue(ConfigNames.PREFIX + "queue.worker", Boolean.class).orElse(true)) {
            // an API-only node of a shared queue (worker=false) loads no model; every other build needs one
            throw new ConfigurationException(ModelLoader.noModelMessage(spec), Set.of(spec.property("path")));
        }
        return spec;
    }

    /**
     * The scenes model (a dependency of this deployment module, so on the build class path only), extracted once to
     * {@code <java.io.tmpdir>/diffusion4j-models/scenes-<content key>}: dev and test mode run where they are built.
     */
    private static synchronized Path devModelFolder() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<String> files = ModelResources.classpathFolder(loader, DEV_MODEL_PREFIX, "model_index.json");
        if (files.isEmpty()) {
            throw new IllegalStateException("The development model (" + DEV_MODEL_PREFIX + ") is missing from the build"
                    + " class path: io.github.diffusion4j:diffusion4j-model-scenes is a dependency of quarkus-diffusion4j-deployment");
        }
        ModelSpec scenes = new ModelSpec("scenes", "scenes");
        scenes.setEmbeddedPrefix(DEV_MODEL_PREFIX);
        scenes.setEmbeddedFiles(files);
        scenes.setContentKey(ModelResources.contentKey(DEV_MODEL_PREFIX, files,
                file -> loader.getResourceAsStream(DEV_MODEL_PREFIX + file)));
        return ModelLoader.extract(scenes);
    }

    /** The Dev Services page lists the development model and the path properties it stands in for. */
    @BuildStep
    void devServices(DiffusionModelsBuildItem models, BuildProducer<DevServicesResultBuildItem> devServices) {
        Map<String, String> config = new LinkedHashMap<>();
        for (ModelSpec spec : models.models()) {
            if (spec.getDevModelFolder() != null) {
                config.put(spec.property("path"), spec.getDevModelFolder());
            }
        }
        if (!config.isEmpty()) {
            devServices.produce(new DevServicesResultBuildItem(FEATURE,
                    "Embedded scenes model (64x64, CPU) for the models without a path", null, config));
        }
    }

    /** Opens the model on the CPU and checks its contract; the error names the property, the folder and the file. */
    private static void validate(ModelSpec spec, Path folder) {
        long t0 = System.nanoTime();
        try {
            DiffusionModel.inspect(folder);
        } catch (ModelLoadException e) {
            throw new ConfigurationException(ModelLoader.loadFailure(spec, folder, e), Set.of(spec.property("path")));
        }
        LOG.debugf("Model %s checked in %d ms", folder, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Why: models with embed=true must travel inside the jar / native image; ONNX Runtime then reads an extracted copy. */
    @BuildStep
    void embedModels(DiffusionModelsBuildItem models, BuildProducer<GeneratedResourceBuildItem> resources) {
        for (ModelSpec spec : models.models()) {
            Path source = models.embedSources().get(spec.getName());
            if (source == null) {
                continue;
            }
            for (String file : spec.getEmbeddedFiles()) {
                try {
                    resources.produce(new GeneratedResourceBuildItem(spec.getEmbeddedPrefix() + file,
                            Files.readAllBytes(source.resolve(file))));
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot embed " + source.resolve(file) + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @BuildStep
    @Record(ExecutionTime.RUNTIME_INIT)
    void beans(DiffusionRecorder recorder, DiffusionModelsBuildItem models, BuildProducer<SyntheticBeanBuildItem> beans) {
        recorder.validateGlobalConfig();
        // The registry owns the pipelines: loaded at start-up (not on the first request), closed at shutdown.
        beans.produce(SyntheticBeanBuildItem.configure(DiffusionModels.class)
                .scope(Singleton.class)
                .setRuntimeInit()
                .unremovable()
                .startup()
                .createWith(recorder.models(models.models(), models.defaultName()))
                .destroyer(BeanDestroyer.AutoCloseableDestroyer.class)
                .done());
        for (ModelSpec spec : models.models()) {
            SyntheticBeanBuildItem.ExtendedBeanConfigurator pipeline = SyntheticBeanBuildItem
                    .configure(DiffusionPipeline.class)
                    .scope(Singleton.class)
                    .setRuntimeInit()
                    .unremovable()
                    // not eager: DiffusionModels loads every model at start-up already, and an API-only node of the
                    // Redis queue (queue.worker=false) loads none, so its pipeline beans must not be created there
                    .addInjectionPoint(ClassType.create(DotName.createSimple(DiffusionModels.class.getName())))
                    .addQualifier(AnnotationInstance.builder(ModelName.class).add("value", spec.getName()).build())
                    .createWith(recorder.pipeline(spec.getName()));
            if (DiffusionBuildTimeConfig.DEFAULT_MODEL.equals(spec.getConfigKey())) {
                pipeline.addQualifier(DotNames.DEFAULT);
            }
            // no destroyer: DiffusionModels closes the pipelines it loaded
            beans.produce(pipeline.done());
        }
    }
}

package io.github.diffusion4j.quarkus.runtime;

import io.github.diffusion4j.model.ComponentOptions;
import io.github.diffusion4j.model.ModelFolder;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.pipeline.Limits;
import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig.LimitsConfig;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig.ModelRuntimeConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Turns one {@link ModelSpec} and its run-time configuration into a loaded {@link DiffusionPipeline}, with errors that
 * name the property to fix. Public for the deployment module, which builds the same messages at build time; not API.
 */
public final class ModelLoader {

    private static final Logger LOG = Logger.getLogger("io.github.diffusion4j");
    /** Steps and guidance when neither the configuration nor the model folder says: a fair speed/quality trade. */

    private ModelLoader() {
    }

    public static DiffusionPipeline load(ModelSpec spec, ModelRuntimeConfig config) {
        validate(spec, config);
        Path folder = resolveFolder(spec, config);
        DiffusionPipeline.Builder builder = DiffusionPipeline.builder(folder)
                .name(spec.getName())
                .provider(ExecutionProvider.fromName(config.provider().name()))
                .cudaDeviceId(config.cudaDeviceId())
                .cpuThreads(config.cpuThreads())
                .limits(limits(config.limits()))
                .previewInterval(config.previewInterval())
                // metrics, the Dev UI and the application's own GenerationListener beans see every generation
                .listener(new BeanGenerationListeners());
        components(spec, config, builder);
        config.scheduler().ifPresent(builder::defaultScheduler);
        if (config.width().isPresent() || config.height().isPresent()) {
            if (config.width().isEmpty() || config.height().isEmpty()) {
                throw new ConfigurationException("Set both " + spec.property("width") + " and " + spec.property("height")
                        + ", or neither (the model's native size)", Set.of(spec.property("width"), spec.property("height")));
            }
            builder.defaultSize(config.width().getAsInt(), config.height().getAsInt());
        }
        DiffusionPipeline pipeline;
        try {
            // the SDK's one rule: configured value, else the model folder's recommendation, else the family's default
            ModelFolder modelFolder = ModelFolder.open(folder);
            int steps = config.steps().orElse(modelFolder.recommendedSteps().orElse(1));
            if (steps > config.limits().maxSteps()) {
                // only a recommendation can get here (a configured value was checked by validate): before any session
                throw invalid(spec, "steps", "(the model's recommended steps) must not exceed "
                        + spec.property("limits.max-steps") + " (" + config.limits().maxSteps() + "): set "
                        + spec.property("steps") + " or raise the limit", steps);
            }
            config.steps().ifPresent(builder::defaultSteps);
            config.guidanceScale().ifPresent(builder::defaultGuidance);
            pipeline = builder.build();
            int effective = pipeline.descriptor().defaultSteps();
            if (effective > config.limits().maxSteps()) {
                pipeline.close();
                throw invalid(spec, "steps", "(the " + pipeline.descriptor().familyName() + " default) must not exceed "
                        + spec.property("limits.max-steps") + " (" + config.limits().maxSteps() + "): set "
                        + spec.property("steps") + " or raise the limit", effective);
            }
        } catch (ModelLoadException e) {
            throw new ConfigurationException(loadFailure(spec, folder, e), Set.of(spec.property("path")));
        } catch (IllegalArgumentException e) {
            // the default scheduler or size does not fit the model
            throw new ConfigurationException("Model '" + spec.getName() + "' cannot be configured: " + e.getMessage()
                    + " (check " + spec.property("scheduler") + ", " + spec.property("width") + " and "
                    + spec.property("height") + ")", Set.of(spec.property("scheduler")));
        }
        var info = pipeline.info();
        LOG.infof("Diffusion4j model '%s' loaded in %d ms on %s (%s, %s, %s, %dx%d, %s)", spec.getName(),
                info.loadTime().toMillis(), info.provider(), info.familyName(), info.layout(), info.precision(),
                info.defaultWidth(), info.defaultHeight(), info.defaultScheduler());
        return pipeline;
    }

    /** {@code components."name".provider} and {@code unload-after-use}, each name checked. */
    private static void components(ModelSpec spec, ModelRuntimeConfig config, DiffusionPipeline.Builder builder) {
        config.components().forEach((name, component) -> {
            if (!ComponentOptions.NAMES.contains(name)) {
                String property = spec.property("components.\"" + name + "\"");
                throw new ConfigurationException(property + ": unknown component '" + name + "'; components are "
                        + ComponentOptions.NAMES, Set.of(property));
            }
            ExecutionProvider provider = component.provider().map(p -> ExecutionProvider.fromName(p.name())).orElse(null);
            builder.component(name, new ComponentOptions(provider, component.unloadAfterUse()));
        });
    }

    /** The message for a model that does not load: the property, the folder, then the SDK's message naming the file. */
    public static String loadFailure(ModelSpec spec, Path folder, ModelLoadException e) {
        return "Model '" + spec.getName() + "' configured by " + spec.property("path") + " cannot be loaded from "
                + folder + ": " + e.getMessage();
    }

    private static Path resolveFolder(ModelSpec spec, ModelRuntimeConfig config) {
        if (spec.getDevModelFolder() != null && LaunchMode.current() != LaunchMode.NORMAL
                && (config.path().isEmpty() || config.path().get().isBlank()
                        || config.path().get().equals(spec.getDevModelFolder()))) {
            // the path is empty, or the one Dev Services announced for this model
            LOG.infof("No model configured for '%s': using the embedded scenes model (%s mode, Dev Services)",
                    spec.getName(), LaunchMode.current() == LaunchMode.TEST ? "test" : "dev");
            return Paths.get(spec.getDevModelFolder());
        }
        if (config.path().isPresent() && !config.path().get().isBlank()) {
            Path path = Paths.get(config.path().get());
            if (Files.isDirectory(path)) {
                return path;
            }
            if (spec.getEmbeddedPrefix() != null) {
                LOG.infof("Model folder %s of '%s' does not exist here: using the copy embedded in the application",
                        path, spec.getName());
                return extract(spec);
            }
            throw new ConfigurationException(spec.property("path") + " is " + path + ", which "
                    + (Files.exists(path) ? "is not a directory" : "does not exist")
                    + ": set it to the folder of a Stable Diffusion ONNX export (model_index.json, text_encoder/, unet/,"
                    + " vae_decoder/, tokenizer/, scheduler/)", Set.of(spec.property("path")));
        }
        if (spec.getEmbeddedPrefix() != null) {
            return extract(spec);
        }
        throw new ConfigurationException(noModelMessage(spec), Set.of(spec.property("path")));
    }

    /** No path for a model: the property to set and an example (a production build stops with this). */
    public static String noModelMessage(ModelSpec spec) {
        return "No model configured for '" + spec.getName() + "': set " + spec.property("path")
                + " to the folder of a Stable Diffusion ONNX export (model_index.json, text_encoder/, unet/, vae_decoder/,"
                + " tokenizer/, scheduler/), e.g. " + spec.property("path") + "=/models/stable-diffusion-v1-5-onnx in"
                + " application.properties, or " + spec.property("path") + "=${MODEL_DIR} to take it from the"
                + " environment at start-up. Dev and test mode run the embedded scenes model instead (Dev Services).";
    }

    private static void validate(ModelSpec spec, ModelRuntimeConfig config) {
        atLeast(spec, "cuda-device-id", config.cudaDeviceId(), 0);
        atLeast(spec, "cpu-threads", config.cpuThreads(), 0);
        if (config.steps().isPresent()) {
            atLeast(spec, "steps", config.steps().getAsInt(), 1);
        }
        atLeast(spec, "preview-interval", config.previewInterval(), 0);
        if (config.guidanceScale().isPresent()
                && (!Double.isFinite(config.guidanceScale().getAsDouble()) || config.guidanceScale().getAsDouble() < 0)) {
            throw invalid(spec, "guidance-scale", "must be a finite number of at least 0",
                    config.guidanceScale().getAsDouble());
        }
        config.width().ifPresent(w -> atLeast(spec, "width", w, 8));
        config.height().ifPresent(h -> atLeast(spec, "height", h, 8));
        LimitsConfig limits = config.limits();
        atLeast(spec, "limits.max-width", limits.maxWidth(), 8);
        atLeast(spec, "limits.max-height", limits.maxHeight(), 8);
        atLeast(spec, "limits.max-steps", limits.maxSteps(), 1);
        atLeast(spec, "limits.max-batch", limits.maxBatch(), 1);
        atLeast(spec, "limits.max-prompt-length", limits.maxPromptLength(), 1);
        atLeast(spec, "limits.max-pixels", limits.maxPixels(), 1);
        atLeast(spec, "limits.max-cost", limits.maxCost(), 1);
        if (config.steps().isPresent() && config.steps().getAsInt() > limits.maxSteps()) {
            throw invalid(spec, "steps", "must not exceed " + spec.property("limits.max-steps") + " ("
                    + limits.maxSteps() + ")", config.steps().getAsInt());
        }
    }

    private static void atLeast(ModelSpec spec, String key, long value, long min) {
        if (value < min) {
            throw invalid(spec, key, "must be at least " + min, value);
        }
    }

    private static ConfigurationException invalid(ModelSpec spec, String key, String rule, Object value) {
        return new ConfigurationException(spec.property(key) + " " + rule + ", got " + value, Set.of(spec.property(key)));
    }

    private static Limits limits(LimitsConfig c) {
        return new Limits(c.maxWidth(), c.maxHeight(), c.maxSteps(), c.maxBatch(), c.maxPromptLength(), c.maxPixels(),
                c.maxCost());
    }

    /** Opens one file of a model by its relative name. */
    @FunctionalInterface
    public interface FileOpener {
        InputStream open(String file) throws IOException;
    }

    /**
     * SHA-256 over each file's name, length and bytes, as 16 hex digits. The key of an extracted copy must follow the
     * content: a retrained model of the same architecture has files of exactly the same sizes.
     */
    public static String contentKey(String prefix, Iterable<String> files, FileOpener opener) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        digest.update(prefix.getBytes(StandardCharsets.UTF_8));
        byte[] buffer = new byte[1 << 16];
        for (String file : files) {
            digest.update(file.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            long length = 0;
            try (InputStream in = opener.open(file)) {
                if (in == null) {
                    throw new IOException(prefix + file + " is missing");
                }
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    length += n;
                }
            }
            digest.update(Long.toString(length).getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    /**
     * Copies the embedded model to {@code <java.io.tmpdir>/diffusion4j-models/<name>-<content key>}, once: ONNX Runtime
     * reads graphs and external weights from files. Files already there are the same bytes (same key) and are reused.
     */
    public static Path extract(ModelSpec spec) {
        String prefix = spec.getEmbeddedPrefix();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            for (String file : spec.getEmbeddedFiles()) {
                if (loader.getResource(prefix + file) == null) {
                    throw new ConfigurationException("The embedded model of '" + spec.getName() + "' lacks " + prefix + file
                            + ": rebuild the application");
                }
            }
            // Computed at build time; hashing here (reading every embedded byte) is only the fallback for a spec without it.
            String key = spec.getContentKey() != null ? spec.getContentKey()
                    : contentKey(prefix, spec.getEmbeddedFiles(), file -> loader.getResourceAsStream(prefix + file));
            Path target = Paths.get(System.getProperty("java.io.tmpdir"), "diffusion4j-models", spec.getName() + "-" + key);
            for (String file : spec.getEmbeddedFiles()) {
                Path out = target.resolve(file).normalize();
                if (!out.startsWith(target)) {
                    throw new IllegalStateException("embedded file outside its model folder: " + file);
                }
                if (Files.isRegularFile(out)) {
                    continue;
                }
                Files.createDirectories(out.getParent());
                // unique temp name then move: two JVMs starting at once never load a half-written graph
                Path tmp = Files.createTempFile(out.getParent(), out.getFileName().toString(), ".part");
                try (InputStream in = loader.getResourceAsStream(prefix + file)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    try {
                        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            LOG.debugf("Embedded model %s extracted to %s", spec.getName(), target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract the embedded model of '" + spec.getName() + "': " + e.getMessage(), e);
        }
    }
}

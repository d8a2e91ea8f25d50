package io.github.diffusion4j.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.model.ModelLoadException;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Owns the {@link OrtSession.SessionOptions} shared by the sessions of one model and decides which execution
 * provider they run on.
 */
public final class SessionFactory implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SessionFactory.class);
    /** {@code -Ddiffusion4j.ort.allowSpinning=true} restores ONNX Runtime's spinning intra-op threads. */
    public static final String ALLOW_SPINNING_PROPERTY = "diffusion4j.ort.allowSpinning";
    /**
     * {@code -Ddiffusion4j.ort.cpuArena=shrink|on|off}: how ONNX Runtime's CPU memory arena behaves (see
     * {@link CpuArena}).
     */
    public static final String CPU_ARENA_PROPERTY = "diffusion4j.ort.cpuArena";

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final ExecutionProvider inUse;
    private final String providerNote;
    private final CpuArena arena;
    private final int cpuThreads;
    /** Optimised graphs kept between starts (CPU only), or null when off. */
    private final OptimizedModelCache optimizedCache;
    /** The model's direct tensors kept between generations; freed with the sessions. */
    private final TensorPool tensors;
    private ComponentSessions components;

    private SessionFactory(OrtEnvironment env, OrtSession.SessionOptions options, ExecutionProvider inUse, String note,
                           CpuArena arena, int cpuThreads) {
        this.env = env;
        this.options = options;
        this.inUse = inUse;
        this.providerNote = note;
        this.arena = arena;
        this.cpuThreads = cpuThreads;
        this.optimizedCache = inUse == ExecutionProvider.CPU ? OptimizedModelCache.fromProperty("cpu") : null;
        this.tensors = new TensorPool(env);
    }

    /**
     * Creates session options for {@code provider}.
     *
     * @param cudaDeviceId GPU ordinal for CUDA
     * @param cpuThreads   intra-op threads for CPU; 0 lets ONNX Runtime choose
     * @throws ModelLoadException when CUDA was requested explicitly and cannot be loaded
     */
    public static SessionFactory create(ExecutionProvider provider, int cudaDeviceId, int cpuThreads) {
        return create(provider, cudaDeviceId, cpuThreads, Map.of());
    }

    /**
     * Creates session options for {@code provider}, the model's, with per-component options: a component asking for
     * another provider gets session options of its own for it (created when the component opens).
     *
     * @throws IllegalArgumentException naming an unknown component
     */
    public static SessionFactory create(ExecutionProvider provider, int cudaDeviceId, int cpuThreads,
                                        Map<String, ComponentOptions> componentOptions) {
        ComponentOptions.checkNames(componentOptions);
        SessionFactory factory = createFor(provider, cudaDeviceId, cpuThreads);
        factory.components = new ComponentSessions(factory, componentOptions, cudaDeviceId, cpuThreads);
        return factory;
    }

    private static SessionFactory createFor(ExecutionProvider provider, int cudaDeviceId, int cpuThreads) {
        if (cudaDeviceId < 0) {
            throw new IllegalArgumentException("cudaDeviceId must be at least 0, got " + cudaDeviceId);
        }
        if (cpuThreads < 0) {
            throw new IllegalArgumentException("cpuThreads must be at least 0 (0 = ONNX Runtime default), got " + cpuThreads);
        }
        Optional<String> missing = provider == ExecutionProvider.CPU ? Optional.empty() : missingCudaDriver();
        if (provider == ExecutionProvider.AUTO && missing.isPresent()) {
            // No NVIDIA driver is the normal case on a laptop or CI runner asking for AUTO: one INFO line, not a warning.
            // A driver whose CUDA libraries then fail to load (below) still warns: that machine was meant to use its GPU.
            LOG.infof("CUDA is not available (%s); using the CPU execution provider", missing.get());
            provider = ExecutionProvider.CPU;
        }
        if (provider == ExecutionProvider.CUDA && missing.isPresent()) {
            throw new ModelLoadException("The CUDA execution provider could not be loaded on device " + cudaDeviceId
                    + ": " + missing.get() + ". Install the NVIDIA driver and the CUDA 12 / cuDNN 9 runtime libraries,"
                    + " or use provider 'cpu' or 'auto'.");
        }
        if (provider != ExecutionProvider.CPU) {
            NativeLibraries.prepareForCuda();
        }
        // The CPU natives are left to ONNX Runtime's own per-load extraction: a fixed cached path breaks every JVM
        // that loads the library from a second class loader (Quarkus dev-mode reloads, QuarkusUnitTest suites:
        // "Native Library ... already loaded in another classloader").
        CpuArena arena = CpuArena.fromProperty();
        OrtEnvironment env = OrtEnvironments.shared();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            configureCpu(options, OrtSession.SessionOptions.OptLevel.ALL_OPT, cpuThreads, arena);
            if (provider == ExecutionProvider.CPU) {
                return new SessionFactory(env, options, ExecutionProvider.CPU, "cpu", arena, cpuThreads);
            }
            try {
                options.addCUDA(cudaDeviceId);
                return new SessionFactory(env, options, ExecutionProvider.CUDA, "cuda:" + cudaDeviceId, arena,
                        cpuThreads);
            } catch (OrtException e) {
                if (provider == ExecutionProvider.CUDA) {
                    throw new ModelLoadException("The CUDA execution provider could not be loaded on device "
                            + cudaDeviceId + ": " + e.getMessage()
                            + ". Install the CUDA 12 and cuDNN 9 runtime libraries, or use provider 'cpu' or 'auto'.", e);
                }
                LOG.warnf("CUDA could not be loaded (%s); using the CPU execution provider", e.getMessage());
                // The options may hold a half-registered provider: start over with clean CPU options.
                options.close();
                OrtSession.SessionOptions cpu = new OrtSession.SessionOptions();
                try {
                    configureCpu(cpu, OrtSession.SessionOptions.OptLevel.ALL_OPT, cpuThreads, arena);
                    return new SessionFactory(env, cpu, ExecutionProvider.CPU, "cpu", arena, cpuThreads);
                } catch (OrtException | RuntimeException e2) {
                    cpu.close();
                    throw e2;
                }
            }
        } catch (OrtException e) {
            options.close();
            throw new ModelLoadException("Cannot configure ONNX Runtime session options: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** The options every CPU session gets (also the per-session options of the optimized model cache). */
    private static void configureCpu(OrtSession.SessionOptions o, OrtSession.SessionOptions.OptLevel level,
                                     int cpuThreads, CpuArena arena) throws OrtException {
        o.setOptimizationLevel(level);
        if (cpuThreads > 0) {
            o.setIntraOpNumThreads(cpuThreads);
        }
        arena.configure(o);
        if (!Boolean.getBoolean(ALLOW_SPINNING_PROPERTY)) {
            // ONNX Runtime's intra-op threads otherwise spin after each run, competing with the denoising loop's
            // own work between UNet calls (and burning a core while a server idles); measured no slower without.
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
        }
    }

    /**
     * Opens {@code file} by path, so that ONNX Runtime finds external weights ({@code weights.pb},
     * {@code model.onnx_data}) next to it. On the CPU the optimised graph is cached between starts
     * ({@link OptimizedModelCache}, {@code -Ddiffusion4j.ort.optimizedModelCache=DIR|off}).
     */
    public OrtSession open(Path file) {
        try {
            if (optimizedCache != null) {
                return optimizedCache.open(env, file, level -> {
                    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                    try {
                        configureCpu(o, level, cpuThreads, arena);
                        return o;
                    } catch (OrtException | RuntimeException e) {
                        o.close();
                        throw e;
                    }
                });
            }
            return env.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new ModelLoadException("Cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the graph of {@code component} (e.g. {@code text_encoder_2}) on the provider configured for it, timed
     * and registered for {@link DiffusionModel#lease} and the model's component report.
     */
    public ComponentSession openComponent(String component, Path file) {
        return components.open(component, file);
    }

    ComponentSessions components() {
        return components;
    }

    /**
     * Run options for one generation's runs, with the CPU arena's per-run setting applied (with {@link CpuArena#SHRINK}
     * the arena hands its free chunks back at the end of every run, with {@link CpuArena#AUTO} only for a generation
     * above its pixel threshold).
     *
     * @param pixels the generation's width × height × images
     * @throws OrtException when ONNX Runtime refuses the options
     */
    public OrtSession.RunOptions newRunOptions(long pixels) throws OrtException {
        OrtSession.RunOptions runOptions = new OrtSession.RunOptions();
        try {
            arena.configure(runOptions, pixels);
            return runOptions;
        } catch (OrtException | RuntimeException e) {
            runOptions.close();
            throw e;
        }
    }

    /** The CPU arena behaviour these sessions use. */
    public CpuArena cpuArena() {
        return arena;
    }

    public OrtEnvironment environment() {
        return env;
    }

    /** The direct tensors of this model's runs, kept between generations. */
    public TensorPool tensors() {
        return tensors;
    }

    /** The provider the sessions actually run on. */
    public ExecutionProvider providerInUse() {
        return inUse;
    }

    /** {@code cpu} or {@code cuda:N}. */
    public String providerDescription() {
        return providerNote;
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing session options");
        if (components != null) {
            components.close(failure);
        }
        tensors.close();
        options.close();
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /**
     * Looks for the NVIDIA driver library without loading anything, so that AUTO on a machine without a GPU does not
     * pay for extracting the 582 MB CUDA provider only to fail.
     */
    static Optional<String> missingCudaDriver() {
        String platform = NativeLibraries.platform();
        if (platform == null) {
            return Optional.of("no CUDA build of ONNX Runtime for " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch"));
        }
        if (platform.startsWith("win")) {
            return Optional.empty();
        }
        List<Path> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(Paths.get(d));
                }
            }
        }
        for (String d : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/usr/local/nvidia/lib64", "/usr/local/cuda/lib64", "/usr/lib/wsl/lib", "/usr/local/cuda/compat")) {
            dirs.add(Paths.get(d));
        }
        for (Path dir : dirs) {
            if (Files.exists(dir.resolve("libcuda.so.1"))) {
                return Optional.empty();
            }
        }
        return Optional.of("libcuda.so.1, the NVIDIA driver library, was not found in LD_LIBRARY_PATH or " + dirs.subList(
                Math.max(0, dirs.size() - 8), dirs.size()));
    }
}

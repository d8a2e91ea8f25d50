package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.LatentPreviewer;
import io.github.diffusion4j.model.DiffusionException;
import io.github.diffusion4j.model.ComponentOptions;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.model.RunStats;
import io.github.diffusion4j.model.VaeEncoder;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.scheduler.Scheduler;
import io.github.diffusion4j.scheduler.SchedulerConfig;
import io.github.diffusion4j.scheduler.Schedulers;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import org.jboss.logging.Logger;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Stable Diffusion text-to-image pipeline over one ONNX model folder.
 *
 * <pre>{@code
 * try (DiffusionPipeline pipeline = DiffusionPipeline.builder(Path.of("models/sd15-onnx")).build()) {
 *     pipeline.generate(GenerationRequest.builder("a red circle").steps(20).seed(42L).build())
 *             .subscribe().with(event -> System.out.println(event));
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * {@link #generate} is lazy: nothing runs until a subscriber subscribes. The denoising loop then runs on the
 * pipeline's executor — by default a cached pool of daemon threads named {@code diffusion4j-generate-N}, or the one
 * given to {@link Builder#executor(ExecutorService)} — never on the subscriber's thread, so subscribing from an event
 * loop does not block it. Events are emitted from that executor thread; use {@code emitOn} to move them elsewhere.
 *
 * <h2>Concurrency</h2>
 * Safe for concurrent {@code generate} calls: ONNX Runtime sessions are thread-safe and each generation owns its
 * scheduler, noise generator and tensors. Concurrent generations share the CPU/GPU, so a queue in front (as the
 * Quarkus extension has) usually gives better latency.
 *
 * <h2>Cancellation</h2>
 * Cancelling the subscription stops the loop within one step: the in-flight ONNX Runtime run is terminated through
 * {@code RunOptions.setTerminate} and every tensor of the generation is closed.
 */
public final class DiffusionPipeline implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DiffusionPipeline.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** How long {@link #close()} waits for cancelled runs: one terminated ONNX Runtime call, normally milliseconds. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final DiffusionModel model;
    private final String name;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final Limits limits;
    private final int defaultPreviewInterval;
    private final ModelDescriptor descriptor;
    private final ModelInfo info;
    private final List<GenerationListener> listeners;
    private final PipelinePreviewer previewer;
    private final BackgroundModelHash modelHash;
    /** The runs in flight: close() must never free the sessions under one. */
    private final PipelineLifecycle lifecycle;

    private DiffusionPipeline(Builder b, DiffusionModel model, Duration loadTime) {
        this.model = model;
        this.name = b.name != null ? b.name : model.folder().name();
        this.lifecycle = new PipelineLifecycle(name, this::closeModel);
        this.limits = b.limits;
        this.defaultPreviewInterval = b.previewInterval;
        this.listeners = List.copyOf(b.listeners);
        this.descriptor = ModelDescriptors.describe(model, name, new ModelDescriptors.Overrides(b.defaultSteps,
                b.defaultGuidance, b.defaultScheduler, b.defaultWidth, b.defaultHeight), b.limits);
        // Fail at build time, not at the first request, when the default scheduler cannot be built.
        Scheduler defaultScheduler = Schedulers.create(descriptor.defaultScheduler(), model.schedulerConfig());
        if (!descriptor.schedulers().contains(defaultScheduler.name())) {
            throw new IllegalArgumentException("scheduler '" + descriptor.defaultScheduler() + "' does not apply to "
                    + descriptor.familyName() + " models; valid: " + String.join(", ", descriptor.schedulers()));
        }
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownsExecutor = false;
        } else {
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "diffusion4j-generate-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.executor = Executors.newCachedThreadPool(factory);
            this.ownsExecutor = true;
        }
        this.previewer = new PipelinePreviewer(name, model);
        if (defaultPreviewInterval > 0) {
            previewer.fitInBackground(this);
        }
        this.info = new ModelInfo(name, model.folder().root(), model.layout(), model.precision(),
                model.folder().pipelineClass().orElse(null), model.sessions().providerDescription(), loadTime,
                descriptor.defaultScheduler(), descriptor.defaultSteps(), descriptor.defaultGuidance(),
                descriptor.defaultWidth(), descriptor.defaultHeight(), model.contract(), model.family().id(),
                model.family().displayName(), descriptor.sizeMultiple(), descriptor.guidance(),
                ModelInfo.Component.of(model.components()));
        // last: nothing after it can fail and leave the thread to nobody
        this.modelHash = new BackgroundModelHash(name, model.folder().root(), b.modelHash);
    }

    /** Starts a builder for the model folder {@code modelDir}. */
    public static Builder builder(Path modelDir) {
        return new Builder(modelDir);
    }

    /**
     * The stream of events of one generation: {@link GenerationEvent.Started}, one {@link GenerationEvent.Step} per
     * timestep, then {@link GenerationEvent.Completed}. Lazy and cold: each subscription runs one generation.
     *
     * @throws IllegalArgumentException at call time, naming the field and the allowed range, when the request is
     *                                  invalid for this model
     */
    public Multi<GenerationEvent> generate(GenerationRequest request) {
        ResolvedRequest resolved = resolve(request);
        // The loop blocks in ONNX Runtime for seconds: it runs on our executor, never on the subscriber's thread.
        Multi<GenerationEvent> events = Multi.createFrom().emitter(emitter -> {
            Generation generation = new Generation(this, resolved, emitter);
            emitter.onTermination(generation::cancel);
            try {
                executor.execute(generation);
            } catch (RuntimeException e) {
                emitter.fail(new DiffusionException("Cannot start the generation: " + e.getMessage(), e));
            }
        }, BackPressureStrategy.BUFFER);
        return listeners.isEmpty() ? events : Observation.observe(events, listeners, new GenerationListener.Generation(
                name, descriptor.family(), request.hires() != null ? "hires" : request.initImage() == null ? "txt2img"
                : request.initImage().masked() ? "inpaint" : "img2img", request));
    }

    /** The result of one generation, ignoring the step events. */
    public Uni<GenerationResult> generateResult(GenerationRequest request) {
        return generate(request)
                .filter(e -> e instanceof GenerationEvent.Completed)
                .map(e -> ((GenerationEvent.Completed) e).result())
                .toUni();
    }

    /** The first image of one generation. */
    public Uni<GeneratedImage> generateImage(GenerationRequest request) {
        return generateResult(request).map(GenerationResult::image);
    }

    /** Runs one generation and waits for it: for plain blocking code. */
    public GenerationResult generateBlocking(GenerationRequest request) {
        return generateResult(request).await().indefinitely();
    }

    /**
     * Encodes an image with the VAE encoder into latents scaled as the denoising loop uses them
     * ({@code mean × scaling_factor}), e.g. as a start for image-to-image.
     *
     * @return [1, C, h/8, w/8] flattened
     */
    public float[] encodeImage(BufferedImage image) {
        enter(null);
        try {
            return encodeEntered(image);
        } finally {
            exit(null);
        }
    }

    private float[] encodeEntered(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int scale = descriptor.sizeMultiple();
        if (w % scale != 0 || h % scale != 0) {
            throw new IllegalArgumentException("image width and height must be multiples of " + scale + ", got " + w + "x" + h);
        }
        // the same [-1, 1] pixels as an img2img init image (VaeImageProcessor.preprocess)
        float[] chw = EditImages.chw(image);
        VaeEncoder encoder = model.vaeEncoder();
        try (DiffusionModel.Lease ignored = model.lease(List.of(ComponentOptions.VAE_ENCODER));
             var runOptions = new ai.onnxruntime.OrtSession.RunOptions()) {
            float[] mean = encoder.encode(chw, h, w, new long[4], runOptions, new RunStats());
            model.latentCodec().fromEncoder(mean);
            return mean;
        } catch (ai.onnxruntime.OrtException e) {
            throw new GenerationException("Cannot create run options: " + e.getMessage(), e);
        }
    }

    /** A fresh scheduler of this model: {@code name} (any registered scheduler) configured from the model's config. */
    public Scheduler newScheduler(String schedulerName, double eta) {
        SchedulerConfig config = model.schedulerConfig();
        if (eta != 0) {
            config = config.with("eta", eta);
        }
        return Schedulers.create(schedulerName, config);
    }

    /**
     * Registry names of the schedulers this model accepts as {@link GenerationRequest#scheduler()} (aliases, A1111
     * names and diffusers class names of these work too): flow-matching ones for SD3/FLUX.1, the others otherwise.
     */
    public List<String> schedulers() {
        return descriptor.schedulers();
    }

    public ModelInfo info() {
        return info;
    }

    /**
     * A1111's {@code Model hash} of this model ({@link io.github.diffusion4j.image.ModelHash}), computed once on a
     * background thread from the moment the pipeline is built. Completes exceptionally when the denoiser's weights
     * cannot be read, or the pipeline was closed first. PNG metadata carries the hash from the first image decoded
     * after it is known.
     */
    public CompletableFuture<String> modelHash() {
        return modelHash.future();
    }

    /** The model hash if already computed, else null: what an image decoded now writes as {@code Model hash}. */
    String modelHashIfReady() {
        return modelHash.ifReady();
    }

    public Limits limits() {
        return limits;
    }

    /** What requests are validated against: family, size multiple, defaults, schedulers, limits. */
    public ModelDescriptor descriptor() {
        return descriptor;
    }

    /**
     * Every violation of {@code request} on this model, without running anything (see {@link RequestValidator}).
     */
    public List<Violation> validate(GenerationRequest request) {
        return RequestValidator.validate(Objects.requireNonNull(request, "request"), descriptor);
    }

    /** The loaded components (for advanced use and tests). */
    public DiffusionModel model() {
        return model;
    }

    String name() {
        return name;
    }

    int defaultPreviewInterval() {
        return defaultPreviewInterval;
    }

    /** The latent previewer (see {@link PipelinePreviewer}: fitted in the background at build where needed). */
    LatentPreviewer previewer() {
        return previewer.get();
    }

    private ResolvedRequest resolve(GenerationRequest r) {
        Objects.requireNonNull(r, "request");
        RequestValidator.Outcome outcome = RequestValidator.check(r, descriptor).orThrow();
        long seed = r.seed() != null ? r.seed() : NoiseSource.randomSeed();
        int previewInterval = r.previewInterval() != null ? r.previewInterval() : defaultPreviewInterval;
        return new ResolvedRequest(r, outcome.width(), outcome.height(), outcome.steps(), outcome.guidance(),
                outcome.classifierFree(), outcome.schedulerName(), new AtomicReference<>(outcome.scheduler()), seed,
                previewInterval, outcome.noiseSource(), outcome.maxSequenceLength(), outcome.hires(),
                outcome.cfgScale());
    }

    /** See {@link PipelineLifecycle#enter}. */
    void enter(Generation generation) {
        lifecycle.enter(generation);
    }

    void exit(Generation generation) {
        lifecycle.exit(generation);
    }

    /**
     * Cancels running generations (their streams fail with a {@link GenerationException}), waits for them to leave ONNX
     * Runtime, then closes the model's sessions and, if the pipeline created it, its executor. Closing sessions under a
     * run in flight would crash the JVM in native code: when close() cannot wait (it is called from inside a run, e.g.
     * a subscriber's completion callback) or the runs outlast {@link #CLOSE_WAIT}, the last run to finish closes them.
     */
    @Override
    public void close() {
        PipelineLifecycle.Closing closing = lifecycle.beginClose();
        if (closing == null) {
            return;
        }
        modelHash.close();
        for (Generation generation : closing.live()) {
            generation.abort("Pipeline '" + name + "' was closed during the generation");
        }
        boolean idle = lifecycle.awaitIdle(closing.calledFromARun(), CLOSE_WAIT);
        if (ownsExecutor) {
            executor.shutdownNow();
        }
        if (!idle) {
            if (!closing.calledFromARun()) {
                LOG.warnf("Pipeline %s: a run is still inside ONNX Runtime after %d s; its sessions close when it ends",
                        name, CLOSE_WAIT.toSeconds());
            }
            return;
        }
        closeModel();
    }

    private void closeModel() {
        model.close();
        LOG.debugf("Closed model %s", name);
    }

    /** Configures and loads a {@link DiffusionPipeline}. */
    public static final class Builder {
        private final Path modelDir;
        private String name;
        private ExecutionProvider provider = ExecutionProvider.AUTO;
        private int cudaDeviceId;
        private int cpuThreads;
        private final Map<String, ComponentOptions> components = new java.util.LinkedHashMap<>();
        private ExecutorService executor;
        private Limits limits = Limits.DEFAULT;
        private Integer defaultSteps;
        private Double defaultGuidance;
        private Integer defaultWidth;
        private Integer defaultHeight;
        private String defaultScheduler;
        private int previewInterval = 1;
        private final List<GenerationListener> listeners = new ArrayList<>();
        private boolean modelHash = true;

        private Builder(Path modelDir) {
            this.modelDir = Objects.requireNonNull(modelDir, "modelDir");
        }

        /** Model name for events and metadata; default: the folder name. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Execution provider; default {@link ExecutionProvider#AUTO}. */
        public Builder provider(ExecutionProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** CUDA device ordinal; default 0. */
        public Builder cudaDeviceId(int cudaDeviceId) {
            this.cudaDeviceId = cudaDeviceId;
            return this;
        }

        /**
         * How one component ({@code text_encoder_2}, {@code transformer}, ...; see {@link ComponentOptions#NAMES})
         * runs: its own provider, and whether its session is released after each use.
         */
        public Builder component(String name, ComponentOptions options) {
            Objects.requireNonNull(options, "options");
            ComponentOptions.checkNames(Map.of(name, options));
            components.put(name, options);
            return this;
        }

        /** Intra-op threads of the CPU provider; 0 (default) lets ONNX Runtime choose. */
        public Builder cpuThreads(int cpuThreads) {
            this.cpuThreads = cpuThreads;
            return this;
        }

        /** Executor the denoising loops run on; default: a cached pool of daemon threads owned by the pipeline. */
        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Steps when a request gives none; default: the model folder's recommendation
         * ({@code _diffusion4j.recommended_steps} in model_index.json), else the family's diffusers default (50 for
         * SD and SDXL, 4 for LCM).
         */
        public Builder defaultSteps(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("defaultSteps must be at least 1, got " + steps);
            }
            this.defaultSteps = steps;
            return this;
        }

        /**
         * Guidance scale when a request gives none; default: the model folder's recommendation
         * ({@code _diffusion4j.recommended_guidance_scale} in model_index.json), else the family's diffusers default
         * (7.5 for SD, 5.0 for SDXL, 8.5 for LCM).
         */
        public Builder defaultGuidance(double guidance) {
            if (!Double.isFinite(guidance) || guidance < 0) {
                throw new IllegalArgumentException("defaultGuidance must be finite and at least 0, got " + guidance);
            }
            this.defaultGuidance = guidance;
            return this;
        }

        /** Size when a request gives none; default: the UNet's sample_size × VAE scale (512 for SD 1.5). */
        public Builder defaultSize(int width, int height) {
            this.defaultWidth = width;
            this.defaultHeight = height;
            return this;
        }

        /** Scheduler when a request names none; default: the model's scheduler_config.json class. */
        public Builder defaultScheduler(String scheduler) {
            this.defaultScheduler = scheduler;
            return this;
        }

        /** Observes every generation of the pipeline (metrics, tracing, UIs); may be called more than once. */
        public Builder listener(GenerationListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Whether to compute A1111's {@code Model hash} on a background thread from the load on (default true): it
         * reads the denoiser's weights once, about 2 s per GB. Off for a benchmark's first runs; PNGs then carry no
         * {@code Model hash}.
         */
        public Builder modelHash(boolean enabled) {
            this.modelHash = enabled;
            return this;
        }

        /** A preview every N steps when a request does not say; 0 = none; default 1. */
        public Builder previewInterval(int previewInterval) {
            if (previewInterval < 0) {
                throw new IllegalArgumentException("previewInterval must be at least 0, got " + previewInterval);
            }
            this.previewInterval = previewInterval;
            return this;
        }

        /**
         * Loads the model.
         *
         * @throws ModelLoadException naming the missing or mismatched file or input
         */
        public DiffusionPipeline build() {
            long t0 = System.nanoTime();
            DiffusionModel model = DiffusionModel.load(modelDir, provider, cudaDeviceId, cpuThreads, components);
            try {
                Duration loadTime = Duration.ofNanos(System.nanoTime() - t0);
                DiffusionPipeline pipeline = new DiffusionPipeline(this, model, loadTime);
                LOG.debugf("Loaded model %s (%s, %s) in %d ms on %s", pipeline.name, model.layout(), model.precision(),
                        loadTime.toMillis(), model.sessions().providerDescription());
                return pipeline;
            } catch (RuntimeException e) {
                try {
                    model.close();
                } catch (RuntimeException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
                throw e;
            }
        }
    }
}

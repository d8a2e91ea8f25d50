package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import io.github.diffusion4j.family.Conditioner;
import io.github.diffusion4j.family.FamilyProbe;
import io.github.diffusion4j.family.LatentCodec;
import io.github.diffusion4j.family.ModelFamilies;
import io.github.diffusion4j.family.ModelFamily;
import io.github.diffusion4j.scheduler.SchedulerConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loaded components of one model folder: its family, the family's conditioner (tokenizers + text encoders), the
 * denoiser and the VAE. Owns every native resource it opens: if any component fails to load, those already opened
 * are closed before the error propagates.
 */
public final class DiffusionModel implements AutoCloseable {

    private final ModelFolder folder;
    private final SessionFactory factory;
    private final ModelFamily family;
    private final Conditioner conditioner;
    private final Denoiser denoiser;
    private final VaeDecoder vaeDecoder;
    private final SchedulerConfig schedulerConfig;
    private final Object encoderLock = new Object();
    private volatile VaeEncoder vaeEncoder;
    private volatile boolean closed;

    private DiffusionModel(ModelFolder folder, SessionFactory factory, ModelFamily family, Conditioner conditioner,
                           Denoiser denoiser, VaeDecoder vaeDecoder, SchedulerConfig schedulerConfig) {
        this.folder = folder;
        this.factory = factory;
        this.family = family;
        this.conditioner = conditioner;
        this.denoiser = denoiser;
        this.vaeDecoder = vaeDecoder;
        this.schedulerConfig = schedulerConfig;
    }

    /**
     * Recognises the family of {@code root} and loads its encoders, denoiser and VAE decoder. The VAE encoder is
     * opened on first use.
     *
     * @throws ModelLoadException naming the missing or mismatched file or input, or the unsupported family
     */
    public static DiffusionModel load(Path root, ExecutionProvider provider, int cudaDeviceId, int cpuThreads) {
        return load(root, provider, cudaDeviceId, cpuThreads, Map.of());
    }

    /**
     * Loads {@code root} with per-component options (provider, unload after use) by component folder name.
     *
     * @throws IllegalArgumentException naming an unknown component name
     * @throws ModelLoadException       naming a configured component the folder does not have, or a component's
     *                                  provider that cannot be loaded
     */
    public static DiffusionModel load(Path root, ExecutionProvider provider, int cudaDeviceId, int cpuThreads,
                                      Map<String, ComponentOptions> components) {
        // both run beside the folder reading below: ONNX Runtime's start-up and the class loading of what follows
        OrtEnvironments.startInBackground();
        LoadWarmUp.start();
        ComponentOptions.checkNames(components);
        ModelFolder folder = ModelFolder.open(root);
        ModelFamilies.refuseUnsupported(folder);
        folder.prefetchClipTokenizers();
        for (String name : components.keySet()) {
            if (!folder.hasComponent(name)) {
                throw new ModelLoadException("components." + name + " is configured but " + folder.root() + " has no "
                        + name + "/model.onnx");
            }
        }
        SchedulerConfig schedulerConfig;
        try {
            schedulerConfig = folder.schedulerConfig().map(SchedulerConfig::fromJson).orElse(SchedulerConfig.empty());
        } catch (RuntimeException e) {
            throw new ModelLoadException("Cannot read scheduler/scheduler_config.json of " + folder.root() + ": "
                    + e.getMessage(), e);
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            SessionFactory factory = SessionFactory.create(provider, cudaDeviceId, cpuThreads, components);
            opened.add(factory);
            // Every family has the same VAE decoder: its session is built beside the denoiser's and the encoders'.
            BackgroundOpen<VaeDecoder> decoderTask = BackgroundOpen.start("vae_decoder",
                    () -> VaeDecoder.load(factory, folder));
            Denoiser denoiser;
            ModelFamily family;
            Conditioner conditioner;
            try {
                // the denoiser first: its graph inputs say which family this is, and so which encoders to open
                boolean transformer = !folder.hasComponent("unet") && folder.hasComponent("transformer");
                denoiser = transformer ? Denoiser.load(factory, folder, "transformer", "hidden_states")
                        : Denoiser.load(factory, folder, "unet", "sample");
                opened.add(denoiser);
                family = ModelFamilies.recognise(new FamilyProbe(folder, denoiser));
                conditioner = family.openConditioner(folder, factory);
                opened.add(conditioner);
                folder.discardUntakenTokenizers();
            } catch (RuntimeException | Error e) {
                // errors keep the serial order: the denoiser's and the encoders' come before the decoder's
                decoderTask.discard(e);
                throw e;
            }
            VaeDecoder decoder = decoderTask.join();
            opened.add(decoder);
            checkCompatible(conditioner, denoiser, decoder);
            // the contracts are read: unload-after-use components give their memory back until their stage
            factory.components().all().forEach(ComponentSession::releaseIfIdle);
            return new DiffusionModel(folder, factory, family, conditioner, denoiser, decoder, schedulerConfig);
        } catch (RuntimeException | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /**
     * Loads {@code root} on the CPU, checks its contract and closes it again: what build-time validation calls.
     *
     * @return the graph contract per component file
     */
    public static Map<String, String> inspect(Path root) {
        try (DiffusionModel model = load(root, ExecutionProvider.CPU, 0, 1)) {
            return model.contract();
        }
    }

    private static void checkCompatible(Conditioner conditioner, Denoiser denoiser, VaeDecoder decoder) {
        var hidden = denoiser.conditioningSpecs().get("encoder_hidden_states");
        long hiddenDenoiser = hidden == null ? -1 : hidden.shape()[2];
        long hiddenText = conditioner.width();
        if (hiddenDenoiser > 0 && hiddenText > 0 && hiddenDenoiser != hiddenText) {
            throw new ModelContractException(denoiser.file() + " expects encoder_hidden_states of width " + hiddenDenoiser
                    + " but the text encoders produce " + hiddenText + ": the components come from different models");
        }
        long latentChannels = decoder.latentChannels();
        if (latentChannels > 0 && latentChannels != denoiser.outChannels()) {
            throw new ModelContractException("vae_decoder/model.onnx expects " + latentChannels
                    + " latent channels but " + denoiser.file() + " works on " + denoiser.outChannels());
        }
    }

    private static void closeAll(List<AutoCloseable> opened, Throwable primary) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            Component.closeQuietly(opened.get(i), primary);
        }
    }

    public ModelFolder folder() {
        return folder;
    }

    public SessionFactory sessions() {
        return factory;
    }

    /** The family this folder was recognised as. */
    public ModelFamily family() {
        return family;
    }

    public Conditioner conditioner() {
        return conditioner;
    }

    public Denoiser denoiser() {
        return denoiser;
    }

    public VaeDecoder vaeDecoder() {
        return vaeDecoder;
    }

    /** Latent scaling (and shift) between the denoiser and the VAE. */
    public LatentCodec latentCodec() {
        return family.latentCodec(vaeDecoder);
    }

    /** Pixels per side the image size must be a multiple of. */
    public int sizeMultiple() {
        return family.sizeMultiple(denoiser, vaeDecoder);
    }

    public SchedulerConfig schedulerConfig() {
        return schedulerConfig;
    }

    /**
     * Holds the sessions of {@code components} (those this model has) open for one stage: an unload-after-use
     * component is opened now if it was released, and closed when the last lease on it closes.
     */
    public Lease lease(Collection<String> components) {
        return new Lease(factory.components().acquire(components));
    }

    /** Each opened component with its provider, load time and session counts, in load order. */
    public List<ComponentSession> components() {
        return factory.components().all();
    }

    /** The component's session, if it was opened. */
    public java.util.Optional<ComponentSession> component(String name) {
        return java.util.Optional.ofNullable(factory.components().get(name));
    }

    /** The sessions one stage holds; {@link #close()} releases them (idempotent). */
    public static final class Lease implements AutoCloseable {
        private List<ComponentSession> held;

        private Lease(List<ComponentSession> held) {
            this.held = held;
        }

        @Override
        public void close() {
            List<ComponentSession> h = held;
            held = List.of();
            h.forEach(ComponentSession::release);
        }
    }

    /** Whether {@link #close()} has run: the sessions are freed and must not be used. */
    public boolean isClosed() {
        return closed;
    }

    /** The VAE encoder, opened on first call (image-to-image needs it; text-to-image does not). */
    public VaeEncoder vaeEncoder() {
        VaeEncoder encoder = vaeEncoder;
        if (encoder == null) {
            synchronized (encoderLock) {
                if (closed) {
                    throw new IllegalStateException("model " + folder.name() + " is closed");
                }
                encoder = vaeEncoder;
                if (encoder == null) {
                    if (!folder.hasComponent("vae_encoder")) {
                        throw new ModelLoadException("Model folder " + folder.root() + " has no vae_encoder/model.onnx");
                    }
                    encoder = VaeEncoder.load(factory, folder);
                    vaeEncoder = encoder;
                }
            }
        }
        return encoder;
    }

    /**
     * {@code diffusers-onnx} for the legacy OnnxStableDiffusionPipeline layout, {@code optimum-legacy} for optimum
     * ≤ 1.23 (int64 timestep), {@code optimum} for optimum ≥ 1.24.
     */
    public String layout() {
        boolean legacyIndex = folder.pipelineClass().map(c -> c.startsWith("Onnx")).orElse(false);
        if (legacyIndex || (folder.componentConfig("unet").isEmpty() && folder.componentConfig("transformer").isEmpty())) {
            return "diffusers-onnx";
        }
        OnnxJavaType t = denoiser.timestepSpec().type();
        return t == OnnxJavaType.INT64 || t == OnnxJavaType.INT32 ? "optimum-legacy" : "optimum";
    }

    public String precision() {
        return denoiser.sampleSpec().type() == OnnxJavaType.FLOAT16 ? "fp16" : "fp32";
    }

    /** Inputs and outputs per component file, as read from the graphs. */
    public Map<String, String> contract() {
        Map<String, String> out = new LinkedHashMap<>(conditioner.contract());
        out.put(denoiser.file(), denoiser.describe());
        out.put(VaeDecoder.FILE, vaeDecoder.input().describe() + " (scaling_factor " + vaeDecoder.scalingFactor()
                + (vaeDecoder.shiftFactor() != 0 ? ", shift_factor " + vaeDecoder.shiftFactor() : "") + ")");
        return out;
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing model " + folder.name());
        synchronized (encoderLock) {
            closed = true;
            Component.closeQuietly(vaeEncoder, failure);
        }
        Component.closeQuietly(vaeDecoder, failure);
        Component.closeQuietly(denoiser, failure);
        Component.closeQuietly(conditioner, failure);
        Component.closeQuietly(factory, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }
}

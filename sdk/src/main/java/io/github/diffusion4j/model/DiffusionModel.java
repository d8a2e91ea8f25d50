package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import io.github.diffusion4j.pipeline.ExecutionProvider;
import io.github.diffusion4j.pipeline.ModelLoadException;
import io.github.diffusion4j.scheduler.SchedulerConfig;
import io.github.diffusion4j.tokenizer.ClipTokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;

/**
 * The loaded components of one model folder. Owns every native resource it opens: if any component fails to load,
 * those already opened are closed before the error propagates.
 */
public final class DiffusionModel implements AutoCloseable {

    private final ModelFolder folder;
    private final SessionFactory factory;
    private final ClipTokenizer tokenizer;
    private final TextEncoder textEncoder;
    private final Unet unet;
    private final VaeDecoder vaeDecoder;
    private final SchedulerConfig schedulerConfig;
    private final Object encoderLock = new Object();
    private volatile VaeEncoder vaeEncoder;
    private volatile boolean closed;

    private DiffusionModel(ModelFolder folder, SessionFactory factory, ClipTokenizer tokenizer, TextEncoder textEncoder,
                           Unet unet, VaeDecoder vaeDecoder, SchedulerConfig schedulerConfig) {
        this.folder = folder;
        this.factory = factory;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vaeDecoder = vaeDecoder;
        this.schedulerConfig = schedulerConfig;
    }

    /**
     * Loads the tokenizer, text encoder, UNet and VAE decoder of {@code root}. The VAE encoder is opened on first use.
     *
     * @throws ModelLoadException naming the missing or mismatched file or input
     */
    public static DiffusionModel load(Path root, ExecutionProvider provider, int cudaDeviceId, int cpuThreads) {
        ModelFolder folder = ModelFolder.open(root);
        ClipTokenizer tokenizer;
        try {
            tokenizer = ClipTokenizer.load(folder.tokenizerDir());
        } catch (RuntimeException e) {
            throw new ModelLoadException("Cannot load the tokenizer of " + folder.root() + ": " + e.getMessage(), e);
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
            SessionFactory factory = SessionFactory.create(provider, cudaDeviceId, cpuThreads);
            opened.add(factory);
            TextEncoder textEncoder = TextEncoder.load(factory, folder, tokenizer.maxLength());
            opened.add(textEncoder);
            Unet unet = Unet.load(factory, folder);
            opened.add(unet);
            VaeDecoder decoder = VaeDecoder.load(factory, folder);
            opened.add(decoder);
            checkCompatible(textEncoder, unet, decoder);
            return new DiffusionModel(folder, factory, tokenizer, textEncoder, unet, decoder, schedulerConfig);
        } catch (RuntimeException e) {
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

    private static void checkCompatible(TextEncoder textEncoder, Unet unet, VaeDecoder decoder) {
        long hiddenUnet = unet.hiddenStatesSpec().shape()[2];
        long hiddenText = textEncoder.output().shape()[2];
        if (hiddenUnet > 0 && hiddenText > 0 && hiddenUnet != hiddenText) {
            throw new ModelContractException("unet/model.onnx expects encoder_hidden_states of width " + hiddenUnet
                    + " but text_encoder/model.onnx produces " + hiddenText + ": the components come from different models");
        }
        long latentChannels = decoder.input().shape()[1];
        if (latentChannels > 0 && latentChannels != unet.inChannels()) {
            throw new ModelContractException("vae_decoder/model.onnx expects " + latentChannels
                    + " latent channels but unet/model.onnx works on " + unet.inChannels());
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

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public TextEncoder textEncoder() {
        return textEncoder;
    }

    public Unet unet() {
        return unet;
    }

    public VaeDecoder vaeDecoder() {
        return vaeDecoder;
    }

    public SchedulerConfig schedulerConfig() {
        return schedulerConfig;
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
        if (legacyIndex || folder.componentConfig("unet").isEmpty()) {
            return "diffusers-onnx";
        }
        OnnxJavaType t = unet.timestepSpec().type();
        return t == OnnxJavaType.INT64 || t == OnnxJavaType.INT32 ? "optimum-legacy" : "optimum";
    }

    public String precision() {
        return unet.sampleSpec().type() == OnnxJavaType.FLOAT16 ? "fp16" : "fp32";
    }

    /** Inputs and outputs per component file, as read from the graphs. */
    public Map<String, String> contract() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(TextEncoder.FILE, textEncoder.input().describe() + " -> " + textEncoder.output().describe());
        out.put(Unet.FILE, unet.sampleSpec().describe() + ", " + unet.timestepSpec().describe() + ", "
                + unet.hiddenStatesSpec().describe() + " -> " + unet.outputSpec().describe());
        out.put(VaeDecoder.FILE, vaeDecoder.input().describe() + " (scaling_factor " + vaeDecoder.scalingFactor() + ")");
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
        Component.closeQuietly(unet, failure);
        Component.closeQuietly(textEncoder, failure);
        Component.closeQuietly(factory, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }
}

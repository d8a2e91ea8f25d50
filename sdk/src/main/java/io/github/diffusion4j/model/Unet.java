package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Set;

/**
 * The denoising UNet. Owns its session. The contract is read from the graph:
 * <ul>
 *   <li>{@code sample} float32 or float16 [B, C, h, w];</li>
 *   <li>{@code timestep} float32 [B] (legacy diffusers, fed [1] as diffusers does), float32 scalar (optimum ≥ 1.24),
 *   int64 (optimum ≤ 1.23) or float16;</li>
 *   <li>{@code encoder_hidden_states} [B, sequence, hidden];</li>
 *   <li>output {@code out_sample} (or the first output) with the shape of {@code sample}.</li>
 * </ul>
 * A fixed batch axis (an export with static shapes) makes the pipeline fall back to several calls per step.
 */
public final class Unet implements AutoCloseable {

    static final String FILE = "unet/model.onnx";

    private final OrtSession session;
    private final SessionFactory factory;
    private final TensorSpec sample;
    private final TensorSpec timestep;
    private final TensorSpec hiddenStates;
    private final TensorSpec output;
    private final int inChannels;
    private final int fixedBatch;
    private final Integer sampleSize;

    private Unet(OrtSession session, SessionFactory factory, TensorSpec sample, TensorSpec timestep,
                 TensorSpec hiddenStates, TensorSpec output, int inChannels, Integer sampleSize) {
        this.session = session;
        this.factory = factory;
        this.sample = sample;
        this.timestep = timestep;
        this.hiddenStates = hiddenStates;
        this.output = output;
        this.inChannels = inChannels;
        this.fixedBatch = sample.isDynamic(0) ? -1 : (int) sample.shape()[0];
        this.sampleSize = sampleSize;
    }

    public static Unet load(SessionFactory factory, ModelFolder folder) {
        OrtSession session = factory.open(folder.componentModel("unet"));
        try {
            Map<String, TensorSpec> inputs = Component.inputs(session, FILE);
            TensorSpec sample = Component.require(inputs, "sample", FILE, "input");
            TensorSpec timestep = Component.require(inputs, "timestep", FILE, "input");
            TensorSpec hidden = Component.require(inputs, "encoder_hidden_states", FILE, "input");
            Component.rejectExtraInputs(inputs, Set.of("sample", "timestep", "encoder_hidden_states"), FILE);
            Component.requireType(sample, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(sample, FILE, 4);
            Component.requireType(timestep, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16,
                    OnnxJavaType.INT64, OnnxJavaType.INT32, OnnxJavaType.DOUBLE));
            Component.requireRank(timestep, FILE, 0, 1);
            Component.requireType(hidden, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(hidden, FILE, 3);
            TensorSpec out = Component.outputOrFirst(Component.outputs(session, FILE), "out_sample", FILE);
            Component.requireType(out, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(out, FILE, 4);
            JsonNode config = folder.componentConfig("unet").orElse(null);
            int channels;
            if (!sample.isDynamic(1)) {
                channels = (int) sample.shape()[1];
            } else if (config != null && config.hasNonNull("in_channels")) {
                channels = config.get("in_channels").asInt();
            } else {
                channels = 4;
            }
            Integer sampleSize = null;
            if (config != null && config.get("sample_size") != null && config.get("sample_size").isInt()) {
                sampleSize = config.get("sample_size").asInt();
            } else if (!sample.isDynamic(2)) {
                sampleSize = (int) sample.shape()[2];
            }
            return new Unet(session, factory, sample, timestep, hidden, out, channels, sampleSize);
        } catch (RuntimeException e) {
            Component.closeQuietly(session, e);
            throw e;
        }
    }

    /** Latent channels. */
    public int inChannels() {
        return inChannels;
    }

    /** The batch size the graph requires, or -1 when the batch axis is dynamic. */
    public int fixedBatch() {
        return fixedBatch;
    }

    /** Latent side length the model was trained at ({@code sample_size} of its config, or a fixed graph dimension). */
    public Integer sampleSize() {
        return sampleSize;
    }

    public TensorSpec sampleSpec() {
        return sample;
    }

    public TensorSpec timestepSpec() {
        return timestep;
    }

    public TensorSpec hiddenStatesSpec() {
        return hiddenStates;
    }

    public TensorSpec outputSpec() {
        return output;
    }

    /**
     * Allocates the tensors for {@code rows} latents of [channels, h, w], reused for every step of one generation.
     */
    public Binding bind(int rows, int latentHeight, int latentWidth, int sequence, int hidden) {
        return new Binding(rows, latentHeight, latentWidth, sequence, hidden);
    }

    /**
     * The input and pinned output tensors of one UNet call shape. Fill {@link #putSample}, {@link #putHiddenStates}
     * and the timestep, {@link #run}, then read {@link #getOutput}. Closes every tensor it created.
     */
    public final class Binding implements AutoCloseable {

        private final DirectTensor sampleTensor;
        private final DirectTensor timestepTensor;
        private final DirectTensor hiddenTensor;
        private final DirectTensor outputTensor;
        private final Map<String, OnnxTensor> inputs;
        private final Map<String, OnnxTensor> pinned;
        private final int rowSize;

        private Binding(int rows, int h, int w, int sequence, int hiddenSize) {
            var env = factory.environment();
            DirectTensor s = null;
            DirectTensor t = null;
            DirectTensor e = null;
            DirectTensor o = null;
            try {
                s = DirectTensor.allocate(env, sample.type(), new long[] {rows, inChannels, h, w});
                long[] tShape;
                if (timestep.rank() == 0) {
                    tShape = new long[0];
                } else if (timestep.isDynamic(0)) {
                    // diffusers' OnnxStableDiffusionPipeline feeds a [1] timestep even for the guided batch of 2,
                    // and exports broadcast it; follow the reference rather than guessing the batch.
                    tShape = new long[] {1};
                } else {
                    tShape = new long[] {timestep.shape()[0]};
                }
                t = DirectTensor.allocate(env, timestep.type(), tShape);
                e = DirectTensor.allocate(env, hiddenStates.type(), new long[] {rows, sequence, hiddenSize});
                o = DirectTensor.allocate(env, output.type(), new long[] {rows, inChannels, h, w});
            } catch (RuntimeException ex) {
                Component.closeQuietly(o, ex);
                Component.closeQuietly(e, ex);
                Component.closeQuietly(t, ex);
                Component.closeQuietly(s, ex);
                throw ex;
            }
            sampleTensor = s;
            timestepTensor = t;
            hiddenTensor = e;
            outputTensor = o;
            inputs = Map.of(sample.name(), s.tensor(), timestep.name(), t.tensor(), hiddenStates.name(), e.tensor());
            pinned = Map.of(output.name(), o.tensor());
            rowSize = inChannels * h * w;
        }

        /** Copies one latent row ([C, h, w]) from {@code src} at {@code srcOffset} into row {@code row}. */
        public void putSample(int row, float[] src, int srcOffset) {
            sampleTensor.put(src, srcOffset, row * rowSize, rowSize);
        }

        /** Copies hidden states [sequence, hidden] into row {@code row}. */
        public void putHiddenStates(int row, float[] src) {
            hiddenTensor.put(src, 0, row * src.length, src.length);
        }

        public void setTimestep(double t) {
            timestepTensor.fill(t);
        }

        /** Runs the UNet; the output lands in the pinned output tensor. */
        public void run(OrtSession.RunOptions runOptions, RunStats stats) {
            long t0 = System.nanoTime();
            try (OrtSession.Result ignored = session.run(inputs, Set.of(), pinned, runOptions)) {
                stats.addRun(System.nanoTime() - t0);
                stats.addUnetRun();
            } catch (OrtException e) {
                throw new OrtRunException(FILE, e);
            }
        }

        /** Copies output row {@code row} into {@code dst} at {@code dstOffset}. */
        public void getOutput(int row, float[] dst, int dstOffset) {
            outputTensor.get(row * rowSize, dst, dstOffset, rowSize);
        }

        @Override
        public void close() {
            RuntimeException failure = null;
            for (DirectTensor t : new DirectTensor[] {sampleTensor, timestepTensor, hiddenTensor, outputTensor}) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

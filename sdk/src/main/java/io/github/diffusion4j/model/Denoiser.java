package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The denoising network of a model (the UNet of SD 1.x/2.x/SDXL/LCM; a diffusion transformer later). Owns its
 * session. The contract is read from the graph:
 * <ul>
 *   <li>the latent input ({@code sample}) float32 or float16 [B, C, h, w];</li>
 *   <li>{@code timestep} float32 [B] (legacy diffusers, fed [1] as diffusers does), float32 scalar (optimum ≥ 1.24),
 *   int64 (optimum ≤ 1.23) or float16;</li>
 *   <li>every other input is a <em>conditioning</em> input with a leading batch axis ({@code encoder_hidden_states},
 *   SDXL's {@code text_embeds} and {@code time_ids}, LCM's {@code timestep_cond}); the model family says which it
 *   fills, and an input no family fills is refused at load, naming it;</li>
 *   <li>output {@code out_sample} (or the first output) with the shape of the latent input.</li>
 * </ul>
 * A fixed batch axis (an export with static shapes) makes the pipeline fall back to several calls per step.
 */
public final class Denoiser implements AutoCloseable {

    private final String file;
    private final ComponentSession session;
    private final SessionFactory factory;
    private final TensorSpec sample;
    private final TensorSpec timestep;
    private final Map<String, TensorSpec> conditioning;
    private final TensorSpec output;
    private final int inChannels;
    private final int fixedBatch;
    private final JsonNode config;

    private Denoiser(String file, ComponentSession session, SessionFactory factory, TensorSpec sample, TensorSpec timestep,
                     Map<String, TensorSpec> conditioning, TensorSpec output, int inChannels, JsonNode config) {
        this.file = file;
        this.session = session;
        this.factory = factory;
        this.sample = sample;
        this.timestep = timestep;
        this.conditioning = conditioning;
        this.output = output;
        this.inChannels = inChannels;
        this.fixedBatch = sample.isDynamic(0) ? -1 : (int) sample.shape()[0];
        this.config = config;
    }

    /**
     * Opens {@code component/model.onnx} (e.g. {@code unet}) and reads its contract.
     *
     * @param sampleInput the name of the latent input ({@code sample} for UNets)
     */
    public static Denoiser load(SessionFactory factory, ModelFolder folder, String component, String sampleInput) {
        String file = component + "/model.onnx";
        ComponentSession session = factory.openComponent(component, folder.componentModel(component));
        try {
            Map<String, TensorSpec> inputs = Component.inputs(session.get(), file);
            TensorSpec sample = Component.require(inputs, sampleInput, file, "input");
            TensorSpec timestep = Component.require(inputs, "timestep", file, "input");
            Component.requireType(sample, file, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(sample, file, 3, 4);
            Component.requireType(timestep, file, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16,
                    OnnxJavaType.INT64, OnnxJavaType.INT32, OnnxJavaType.DOUBLE));
            Component.requireRank(timestep, file, 0, 1);
            Map<String, TensorSpec> conditioning = new LinkedHashMap<>(inputs);
            conditioning.remove(sample.name());
            conditioning.remove(timestep.name());
            for (TensorSpec spec : conditioning.values()) {
                // FLUX's img_ids/txt_ids are int64 in some exports, float in others: cast to what the graph declares
                Component.requireType(spec, file, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16, OnnxJavaType.INT64,
                        OnnxJavaType.INT32));
                if (spec.rank() < 1) {
                    throw new ModelContractException(file + " '" + spec.name() + "' is a scalar (" + spec.describe()
                            + "); conditioning inputs have at least one axis");
                }
            }
            Map<String, TensorSpec> outputs = Component.outputs(session.get(), file);
            TensorSpec out = Component.outputOrFirst(outputs, outputs.containsKey("out_hidden_states")
                    ? "out_hidden_states" : "out_sample", file);
            Component.requireType(out, file, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(out, file, sample.rank());
            JsonNode config = folder.componentConfig(component).orElse(null);
            int channels;
            if (sample.rank() == 3) {
                // FLUX packs 2×2 latent patches: [B, h/2·w/2, 4·C]; in_channels of its config is 4·C
                int packed = !sample.isDynamic(2) ? (int) sample.shape()[2]
                        : config != null && config.hasNonNull("in_channels") ? config.get("in_channels").asInt() : 64;
                channels = packed / 4;
            } else if (!sample.isDynamic(1)) {
                channels = (int) sample.shape()[1];
            } else if (config != null && config.hasNonNull("in_channels")) {
                channels = config.get("in_channels").asInt();
            } else {
                channels = 4;
            }
            return new Denoiser(file, session, factory, sample, timestep, Collections.unmodifiableMap(conditioning), out,
                    channels, config);
        } catch (RuntimeException e) {
            Component.closeQuietly(session, e);
            throw e;
        }
    }

    /** The graph file, e.g. {@code unet/model.onnx}, for messages. */
    public String file() {
        return file;
    }

    /** Latent channels of the input. */
    public int inChannels() {
        return inChannels;
    }

    /** Latent channels of the output (the input's, unless the graph says otherwise, as for inpainting UNets). */
    public int outChannels() {
        if (packed()) {
            return output.isDynamic(2) ? inChannels : (int) output.shape()[2] / 4;
        }
        return output.isDynamic(1) ? inChannels : (int) output.shape()[1];
    }

    /** Whether the latent input is packed in 2×2 patches ([B, h/2·w/2, 4·C], FLUX) rather than [B, C, h, w]. */
    public boolean packed() {
        return sample.rank() == 3;
    }

    /** The batch size the graph requires, or -1 when the batch axis is dynamic. */
    public int fixedBatch() {
        return fixedBatch;
    }

    /** The component's config.json, when the export has one. */
    public JsonNode config() {
        return config;
    }

    /** Latent side length the model was trained at ({@code sample_size} of its config, or a fixed graph dimension). */
    public Integer sampleSize() {
        if (config != null && config.get("sample_size") != null && config.get("sample_size").isInt()) {
            return config.get("sample_size").asInt();
        }
        return sample.isDynamic(2) ? null : (int) sample.shape()[2];
    }

    /** An integer of config.json, when present. */
    public Integer configInt(String key) {
        return config != null && config.hasNonNull(key) && config.get(key).canConvertToInt()
                ? config.get(key).asInt() : null;
    }

    public TensorSpec sampleSpec() {
        return sample;
    }

    public TensorSpec timestepSpec() {
        return timestep;
    }

    /** The conditioning inputs: every graph input other than the latent and the timestep, in graph order. */
    public Map<String, TensorSpec> conditioningSpecs() {
        return conditioning;
    }

    public TensorSpec outputSpec() {
        return output;
    }

    /** {@code sample: float[-1, 4, -1, -1], timestep: ... -> out_sample: ...}, for diagnostics. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(sample.describe());
        parts.add(timestep.describe());
        for (TensorSpec spec : conditioning.values()) {
            parts.add(spec.describe());
        }
        return String.join(", ", parts) + " -> " + output.describe();
    }

    /**
     * Allocates the tensors for {@code rows} latents of [channels, h, w], reused for every step of one generation.
     *
     * @param rowShapes the shape of one row of each conditioning input (without the batch axis), e.g.
     *                  {@code encoder_hidden_states → [77, 768]}; must name every conditioning input
     */
    public Binding bind(int rows, int latentHeight, int latentWidth, Map<String, long[]> rowShapes) {
        for (String name : conditioning.keySet()) {
            if (!rowShapes.containsKey(name)) {
                throw new ModelContractException(file + " has an input '" + name + "' that nothing fills");
            }
        }
        if (packed() && (latentHeight % 2 != 0 || latentWidth % 2 != 0)) {
            throw new IllegalArgumentException(file + " packs 2x2 latent patches: the latent size must be even, got "
                    + latentHeight + "x" + latentWidth);
        }
        return new Binding(rows, latentHeight, latentWidth, rowShapes);
    }

    /**
     * Whether {@code input} has no batch axis (FLUX's {@code img_ids} and {@code txt_ids} in current exports): its
     * graph rank equals the rank of one row.
     */
    private boolean shared(TensorSpec spec, long[] rowShape) {
        return spec.rank() == rowShape.length;
    }

    /**
     * The input and pinned output tensors of one denoiser call shape. Fill the rows ({@link #putSample},
     * {@link #putConditioning}) and the timestep, {@link #run}, then read {@link #getOutput}. Closes every tensor it
     * created, also when an allocation fails half-way.
     */
    public final class Binding implements AutoCloseable {

        private final List<DirectTensor> owned = new ArrayList<>();
        private final DirectTensor sampleTensor;
        private final DirectTensor timestepTensor;
        private final Map<String, DirectTensor> conditioningTensors = new LinkedHashMap<>();
        private final Map<String, Integer> conditioningRowSizes = new LinkedHashMap<>();
        private final java.util.Set<String> sharedInputs = new java.util.HashSet<>();
        private final int latentHeight;
        private final int latentWidth;
        private final DirectTensor outputTensor;
        private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        private final Map<String, OnnxTensor> pinned;
        private final int rowSize;
        private final int outRowSize;

        private final int rows;

        private Binding(int rows, int h, int w, Map<String, long[]> rowShapes) {
            this.rows = rows;
            try {
                sampleTensor = allocate(sample.type(), latentShape(rows, inChannels, h, w));
                timestepTensor = allocate(timestep.type(), timestepShape(rows));
                for (TensorSpec spec : conditioning.values()) {
                    long[] row = rowShapes.get(spec.name());
                    boolean isShared = shared(spec, row);
                    long[] shape = new long[row.length + (isShared ? 0 : 1)];
                    shape[0] = rows;
                    System.arraycopy(row, 0, shape, isShared ? 0 : 1, row.length);
                    conditioningTensors.put(spec.name(), allocate(spec.type(), shape));
                    conditioningRowSizes.put(spec.name(), (int) (product(row)));
                    if (isShared) {
                        sharedInputs.add(spec.name());
                    }
                }
                // a pinned output: ONNX Runtime overwrites it whole, no need to zero a reused one
                outputTensor = factory.tensors().acquireOutput(output.type(), latentShape(rows, outChannels(), h, w));
                owned.add(outputTensor);
            } catch (RuntimeException ex) {
                close(ex);
                throw ex;
            }
            inputs.put(sample.name(), sampleTensor.tensor());
            inputs.put(timestep.name(), timestepTensor.tensor());
            conditioningTensors.forEach((name, t) -> inputs.put(name, t.tensor()));
            pinned = Map.of(output.name(), outputTensor.tensor());
            rowSize = inChannels * h * w;
            outRowSize = outChannels() * h * w;
            latentHeight = h;
            latentWidth = w;
        }

        private long[] latentShape(int rows, int channels, int h, int w) {
            return packed() ? new long[] {rows, (long) (h / 2) * (w / 2), channels * 4L} : new long[] {rows, channels, h, w};
        }

        private long[] timestepShape(int rows) {
            if (timestep.rank() == 0) {
                return new long[0];
            }
            if (!timestep.isDynamic(0)) {
                return new long[] {timestep.shape()[0]};
            }
            // diffusers' OnnxStableDiffusionPipeline feeds a [1] timestep even for the guided batch of 2, and UNet
            // exports broadcast it; the transformer pipelines (SD3, FLUX) expand it to the batch: t.expand(B).
            return new long[] {packed() || "hidden_states".equals(sample.name()) ? rows : 1};
        }

        private DirectTensor allocate(OnnxJavaType type, long[] shape) {
            DirectTensor t = factory.tensors().acquire(type, shape);
            owned.add(t);
            return t;
        }

        /**
         * Copies one latent row ([C, h, w]) from {@code src} at {@code srcOffset} into row {@code row}, packing it in
         * 2×2 patches for packed denoisers.
         */
        public void putSample(int row, float[] src, int srcOffset) {
            if (packed()) {
                float[] packedRow = LatentPacking.pack(src, srcOffset, inChannels, latentHeight, latentWidth);
                sampleTensor.put(packedRow, 0, row * rowSize, rowSize);
            } else {
                sampleTensor.put(src, srcOffset, row * rowSize, rowSize);
            }
        }

        /** Copies one row of conditioning input {@code name} (its row shape as bound). */
        public void putConditioning(String name, int row, float[] src) {
            Integer size = conditioningRowSizes.get(name);
            if (size == null) {
                return; // the graph does not take this input (e.g. an SD UNet given pooled embeddings)
            }
            if (src.length != size) {
                throw new IllegalArgumentException(file + " input '" + name + "' takes " + size + " values per row, got "
                        + src.length);
            }
            // an input without a batch axis holds one value for every row
            conditioningTensors.get(name).put(src, 0, sharedInputs.contains(name) ? 0 : row * size, size);
        }

        public void setTimestep(double t) {
            timestepTensor.fill(t);
        }

        /** Runs the denoiser; the output lands in the pinned output tensor. */
        public void run(OrtSession.RunOptions runOptions, RunStats stats) {
            long t0 = System.nanoTime();
            try (OrtSession.Result ignored = session.get().run(inputs, Set.of(), pinned, runOptions)) {
                stats.addRun(System.nanoTime() - t0);
                stats.addUnetRun(rows);
            } catch (OrtException e) {
                throw new OrtRunException(file, e);
            }
        }

        /** Copies output row {@code row} into {@code dst} at {@code dstOffset} as [C, h, w] (unpacked). */
        public void getOutput(int row, float[] dst, int dstOffset) {
            if (packed()) {
                float[] packedRow = new float[outRowSize];
                outputTensor.get(row * outRowSize, packedRow, 0, outRowSize);
                LatentPacking.unpack(packedRow, dst, dstOffset, outChannels(), latentHeight, latentWidth);
            } else {
                outputTensor.get(row * outRowSize, dst, dstOffset, outRowSize);
            }
        }

        @Override
        public void close() {
            RuntimeException failure = new RuntimeException("closing " + file + " tensors");
            close(failure);
            if (failure.getSuppressed().length > 0) {
                throw failure;
            }
        }

        /** Gives the tensors back to the model's pool (the next generation of this size takes them). */
        private void close(Throwable primary) {
            for (int i = owned.size() - 1; i >= 0; i--) {
                DirectTensor t = owned.get(i);
                Component.closeQuietly(() -> factory.tensors().release(t), primary);
            }
            owned.clear();
        }
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

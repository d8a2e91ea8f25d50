package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The CLIP text encoder: token ids → per-token hidden states ({@code last_hidden_state}). Owns its session.
 * Accepts int32 (legacy diffusers, optimum ≤ 1.23) and int64 (optimum ≥ 1.24) ids and float16 outputs.
 */
public final class TextEncoder implements AutoCloseable {

    static final String FILE = "text_encoder/model.onnx";
    /** Prompts whose hidden states are kept: UIs re-run one prompt with new seeds, and encoding it again is waste. */
    private static final int CACHE_SIZE = 32;

    private final OrtSession session;
    private final SessionFactory factory;
    private final TensorSpec input;
    private final TensorSpec output;
    private final int sequenceLength;
    private final Map<IdsKey, Encoded> cache = new LinkedHashMap<>(CACHE_SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<IdsKey, Encoded> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private TextEncoder(OrtSession session, SessionFactory factory, TensorSpec input, TensorSpec output, int sequenceLength) {
        this.session = session;
        this.factory = factory;
        this.input = input;
        this.output = output;
        this.sequenceLength = sequenceLength;
    }

    /**
     * Opens and checks the text encoder.
     *
     * @param tokenizerMaxLength used when the graph's sequence axis is dynamic
     */
    public static TextEncoder load(SessionFactory factory, ModelFolder folder, int tokenizerMaxLength) {
        OrtSession session = factory.open(folder.componentModel("text_encoder"));
        try {
            Map<String, TensorSpec> inputs = Component.inputs(session, FILE);
            TensorSpec ids = inputs.get("input_ids");
            if (ids == null && inputs.size() == 1) {
                ids = inputs.values().iterator().next();
            }
            if (ids == null) {
                ids = Component.require(inputs, "input_ids", FILE, "input");
            }
            Component.requireType(ids, FILE, Set.of(OnnxJavaType.INT32, OnnxJavaType.INT64));
            Component.requireRank(ids, FILE, 2);
            Component.rejectExtraInputs(inputs, Set.of(ids.name()), FILE);
            TensorSpec hidden = Component.outputOrFirst(Component.outputs(session, FILE), "last_hidden_state", FILE);
            Component.requireType(hidden, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(hidden, FILE, 3);
            int seq = ids.isDynamic(1) ? tokenizerMaxLength : (int) ids.shape()[1];
            return new TextEncoder(session, factory, ids, hidden, seq);
        } catch (RuntimeException e) {
            Component.closeQuietly(session, e);
            throw e;
        }
    }

    /** Token sequence length the encoder is fed (77 for CLIP). */
    public int sequenceLength() {
        return sequenceLength;
    }

    public TensorSpec input() {
        return input;
    }

    public TensorSpec output() {
        return output;
    }

    /**
     * Encodes one padded id sequence, or returns the cached hidden states of an identical sequence. The returned
     * arrays are shared: callers must not modify them.
     *
     * @param stats accumulates the time spent inside ONNX Runtime
     * @return hidden states [1, sequence, hidden] flattened; {@code shape[2]} gives the hidden size
     */
    public Encoded encode(int[] ids, OrtSession.RunOptions runOptions, RunStats stats) {
        if (ids.length != sequenceLength) {
            throw new IllegalArgumentException("expected " + sequenceLength + " token ids, got " + ids.length);
        }
        IdsKey key = new IdsKey(ids.clone());
        synchronized (cache) {
            Encoded hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        Encoded encoded = run(ids, runOptions, stats);
        synchronized (cache) {
            cache.put(key, encoded);
        }
        return encoded;
    }

    private Encoded run(int[] ids, OrtSession.RunOptions runOptions, RunStats stats) {
        try (DirectTensor tensor = DirectTensor.allocate(factory.environment(), input.type(), new long[] {1, ids.length})) {
            tensor.putIds(ids, 0);
            long t0 = System.nanoTime();
            try (OrtSession.Result result = session.run(Map.of(input.name(), tensor.tensor()), Set.of(output.name()), runOptions)) {
                stats.addRun(System.nanoTime() - t0);
                var value = result.get(output.name()).orElseThrow();
                long[] shape = Tensors.shape(value);
                return new Encoded(Tensors.toFloats(value, FILE + " " + output.name()), (int) shape[1], (int) shape[2]);
            }
        } catch (OrtException e) {
            throw new OrtRunException(FILE, e);
        }
    }

    /** Hidden states of one prompt. */
    public record Encoded(float[] data, int sequence, int hidden) {
    }

    private record IdsKey(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdsKey k && Arrays.equals(k.ids, ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

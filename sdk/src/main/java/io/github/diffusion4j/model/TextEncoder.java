package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CLIP text encoder (SD's {@code text_encoder}, SDXL's {@code text_encoder} and {@code text_encoder_2}): token ids
 * → per-token hidden states and, where the export has them, pooled embeddings ({@code pooler_output} of
 * CLIPTextModel, {@code text_embeds} of CLIPTextModelWithProjection) and every layer's hidden states
 * ({@code hidden_states.0} … {@code hidden_states.L}, optimum's names for {@code output_hidden_states=True}).
 * Owns its session. Accepts int32 (legacy diffusers, optimum ≤ 1.23) and int64 (optimum ≥ 1.24) ids and float16
 * outputs.
 */
public final class TextEncoder implements AutoCloseable {

    /** Prompts whose hidden states are kept: UIs re-run one prompt with new seeds, and encoding it again is waste. */
    private static final int CACHE_SIZE = 32;
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    private static final String HIDDEN_STATES_PREFIX = "hidden_states.";

    private final String file;
    private final OrtSession session;
    private final SessionFactory factory;
    private final TensorSpec input;
    private final Map<String, TensorSpec> outputs;
    private final int sequenceLength;
    private final int hiddenLayers;
    private final Map<CacheKey, Outputs> cache = new LinkedHashMap<>(CACHE_SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CacheKey, Outputs> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private TextEncoder(String file, OrtSession session, SessionFactory factory, TensorSpec input,
                        Map<String, TensorSpec> outputs, int sequenceLength) {
        this.file = file;
        this.session = session;
        this.factory = factory;
        this.input = input;
        this.outputs = outputs;
        this.sequenceLength = sequenceLength;
        int layers = 0;
        while (outputs.containsKey(HIDDEN_STATES_PREFIX + layers)) {
            layers++;
        }
        this.hiddenLayers = layers;
    }

    /**
     * Opens and checks {@code component/model.onnx}.
     *
     * @param tokenizerMaxLength used when the graph's sequence axis is dynamic
     */
    public static TextEncoder load(SessionFactory factory, ModelFolder folder, String component, int tokenizerMaxLength) {
        String file = component + "/model.onnx";
        OrtSession session = factory.open(folder.componentModel(component));
        try {
            Map<String, TensorSpec> inputs = Component.inputs(session, file);
            TensorSpec ids = inputs.get("input_ids");
            if (ids == null && inputs.size() == 1) {
                ids = inputs.values().iterator().next();
            }
            if (ids == null) {
                ids = Component.require(inputs, "input_ids", file, "input");
            }
            Component.requireType(ids, file, Set.of(OnnxJavaType.INT32, OnnxJavaType.INT64));
            Component.requireRank(ids, file, 2);
            Component.rejectExtraInputs(inputs, Set.of(ids.name()), file);
            Map<String, TensorSpec> outputs = Component.outputs(session, file);
            TensorSpec hidden = Component.outputOrFirst(outputs, LAST_HIDDEN_STATE, file);
            Component.requireType(hidden, file, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(hidden, file, 3);
            Map<String, TensorSpec> ordered = new LinkedHashMap<>();
            ordered.put(LAST_HIDDEN_STATE, hidden);
            outputs.forEach((name, spec) -> {
                if (!spec.equals(hidden)) {
                    ordered.put(name, spec);
                }
            });
            int seq = ids.isDynamic(1) ? tokenizerMaxLength : (int) ids.shape()[1];
            return new TextEncoder(file, session, factory, ids, ordered, seq);
        } catch (RuntimeException e) {
            Component.closeQuietly(session, e);
            throw e;
        }
    }

    /** The graph file, e.g. {@code text_encoder_2/model.onnx}, for messages. */
    public String file() {
        return file;
    }

    /**
     * Token sequence length the encoder is fed (77 for CLIP): the graph's, or the tokenizer's when the graph leaves
     * it dynamic (then other lengths are accepted too, as T5's {@code max_sequence_length}).
     */
    public int sequenceLength() {
        return sequenceLength;
    }

    public TensorSpec input() {
        return input;
    }

    /** The per-token output ({@code last_hidden_state}, or the first output of graphs that name it otherwise). */
    public TensorSpec output() {
        return outputs.get(LAST_HIDDEN_STATE);
    }

    /** Hidden width of the per-token outputs, or -1 when the graph leaves it dynamic. */
    public long hiddenWidth() {
        return output().shape()[2];
    }

    /** The name of the hidden-state output that diffusers indexes as {@code hidden_states[-fromEnd]}. */
    public String hiddenStateOutput(int fromEnd) {
        if (hiddenLayers == 0) {
            throw new ModelContractException(file + " exposes no hidden_states.N outputs (outputs: "
                    + Component.describe(outputs) + "); export it with output_hidden_states (optimum does)");
        }
        int index = hiddenLayers - fromEnd;
        if (index < 0) {
            throw new IllegalArgumentException(file + " has " + hiddenLayers + " hidden states, cannot take the "
                    + fromEnd + "th from the end");
        }
        return HIDDEN_STATES_PREFIX + index;
    }

    /** The output called {@code name}, if the graph has it. */
    public boolean hasOutput(String name) {
        return outputs.containsKey(name);
    }

    /** The output's name of the first of {@code candidates} the graph has; a contract error listing them otherwise. */
    public String requireOutput(String... candidates) {
        for (String c : candidates) {
            if (outputs.containsKey(c)) {
                return c;
            }
        }
        throw new ModelContractException(file + " has none of the outputs " + Arrays.toString(candidates) + " (outputs: "
                + Component.describe(outputs) + ")");
    }

    /**
     * Encodes one padded id sequence, or returns the cached outputs of an identical call. The returned arrays are
     * shared: callers must not modify them.
     *
     * @param names the outputs wanted (see {@link #output()}, {@link #hiddenStateOutput(int)})
     * @param stats accumulates the time spent inside ONNX Runtime
     */
    public Outputs encode(int[] ids, List<String> names, OrtSession.RunOptions runOptions, RunStats stats) {
        if (!input.isDynamic(1) && ids.length != sequenceLength) {
            throw new IllegalArgumentException("expected " + sequenceLength + " token ids, got " + ids.length);
        }
        CacheKey key = new CacheKey(ids.clone(), List.copyOf(names));
        synchronized (cache) {
            Outputs hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        Outputs encoded = run(ids, key.names(), runOptions, stats);
        synchronized (cache) {
            cache.put(key, encoded);
        }
        return encoded;
    }

    private Outputs run(int[] ids, List<String> names, OrtSession.RunOptions runOptions, RunStats stats) {
        List<String> graphNames = new ArrayList<>(names.size());
        for (String name : names) {
            TensorSpec spec = outputs.get(name);
            if (spec == null) {
                throw new ModelContractException(file + " has no output '" + name + "' (outputs: "
                        + Component.describe(outputs) + ")");
            }
            graphNames.add(spec.name());
        }
        try (DirectTensor tensor = DirectTensor.allocate(factory.environment(), input.type(), new long[] {1, ids.length})) {
            tensor.putIds(ids, 0);
            long t0 = System.nanoTime();
            try (OrtSession.Result result = session.run(Map.of(input.name(), tensor.tensor()), Set.copyOf(graphNames),
                    runOptions)) {
                stats.addRun(System.nanoTime() - t0);
                Map<String, float[]> values = new LinkedHashMap<>();
                Map<String, long[]> shapes = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    var value = result.get(graphNames.get(i)).orElseThrow();
                    values.put(names.get(i), Tensors.toFloats(value, file + " " + graphNames.get(i)));
                    shapes.put(names.get(i), Tensors.shape(value));
                }
                return new Outputs(values, shapes);
            }
        } catch (OrtException e) {
            throw new OrtRunException(file, e);
        }
    }

    /** Named outputs of one call; each {@code [1, ...]} flattened, with its shape. */
    public record Outputs(Map<String, float[]> values, Map<String, long[]> shapes) {

        public float[] get(String name) {
            return values.get(name);
        }

        public long[] shape(String name) {
            return shapes.get(name);
        }
    }

    private record CacheKey(int[] ids, List<String> names) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CacheKey k && Arrays.equals(k.ids, ids) && k.names.equals(names);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids) * 31 + names.hashCode();
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

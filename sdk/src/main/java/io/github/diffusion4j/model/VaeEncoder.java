package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.Map;
import java.util.Set;

/**
 * The VAE encoder: image in [-1, 1] → latent mean. Owns its session. Legacy diffusers exports output
 * {@code latent_sample} (already the mean); optimum ≥ 1.24 outputs {@code latent_parameters} = mean ‖ logvar, of
 * which the first half of the channels is taken (the distribution's mode, as diffusers' {@code argmax} retrieval).
 */
public final class VaeEncoder implements AutoCloseable {

    static final String FILE = "vae_encoder/model.onnx";

    private final OrtSession session;
    private final SessionFactory factory;
    private final TensorSpec input;
    private final TensorSpec output;
    private final boolean parameters;

    private VaeEncoder(OrtSession session, SessionFactory factory, TensorSpec input, TensorSpec output, boolean parameters) {
        this.session = session;
        this.factory = factory;
        this.input = input;
        this.output = output;
        this.parameters = parameters;
    }

    public static VaeEncoder load(SessionFactory factory, ModelFolder folder) {
        OrtSession session = factory.open(folder.componentModel("vae_encoder"));
        try {
            Map<String, TensorSpec> inputs = Component.inputs(session, FILE);
            TensorSpec in = inputs.get("sample");
            if (in == null && inputs.size() == 1) {
                in = inputs.values().iterator().next();
            }
            if (in == null) {
                in = Component.require(inputs, "sample", FILE, "input");
            }
            Component.requireType(in, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(in, FILE, 4);
            Map<String, TensorSpec> outputs = Component.outputs(session, FILE);
            TensorSpec out;
            boolean params;
            if (outputs.containsKey("latent_parameters")) {
                out = outputs.get("latent_parameters");
                params = true;
            } else {
                out = Component.outputOrFirst(outputs, "latent_sample", FILE);
                params = false;
            }
            Component.requireType(out, FILE, Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16));
            Component.requireRank(out, FILE, 4);
            return new VaeEncoder(session, factory, in, out, params);
        } catch (RuntimeException e) {
            Component.closeQuietly(session, e);
            throw e;
        }
    }

    /** Whether the output is mean ‖ logvar (optimum ≥ 1.24) rather than the mean alone. */
    public boolean outputsParameters() {
        return parameters;
    }

    /**
     * Encodes one image [3, H, W] in [-1, 1].
     *
     * @return the latent mean [C, h, w] (not yet multiplied by the scaling factor); {@code shape} receives [1, C, h, w]
     */
    public float[] encode(float[] image, int height, int width, long[] shape, OrtSession.RunOptions runOptions, RunStats stats) {
        try (DirectTensor tensor = DirectTensor.allocate(factory.environment(), input.type(), new long[] {1, 3, height, width})) {
            tensor.put(image, 0, 0, 3 * height * width);
            long t0 = System.nanoTime();
            try (OrtSession.Result result = session.run(Map.of(input.name(), tensor.tensor()), Set.of(output.name()), runOptions)) {
                stats.addRun(System.nanoTime() - t0);
                var value = result.get(output.name()).orElseThrow();
                long[] s = Tensors.shape(value);
                float[] data = Tensors.toFloats(value, FILE + " " + output.name());
                if (parameters) {
                    int channels = (int) s[1] / 2;
                    int plane = (int) (s[2] * s[3]);
                    float[] mean = new float[channels * plane];
                    System.arraycopy(data, 0, mean, 0, mean.length);
                    shape[0] = 1;
                    shape[1] = channels;
                    shape[2] = s[2];
                    shape[3] = s[3];
                    return mean;
                }
                System.arraycopy(s, 0, shape, 0, Math.min(s.length, shape.length));
                return data;
            }
        } catch (OrtException e) {
            throw new OrtRunException(FILE, e);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

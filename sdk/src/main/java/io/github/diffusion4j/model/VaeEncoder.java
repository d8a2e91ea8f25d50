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
     * The latent distribution of one image: diffusers' {@code DiagonalGaussianDistribution} (models/autoencoders/vae.py)
     * from optimum's {@code latent_parameters} (mean ‖ logvar), or the encoder's own {@code latent_sample} (legacy
     * exports sample inside the graph) as a mean with no variance.
     *
     * @param mean   [C, h, w], not yet scaled
     * @param logvar [C, h, w] clamped to [-30, 20] as diffusers does, or {@code null}
     * @param shape  [1, C, h, w]
     */
    public record Latents(float[] mean, float[] logvar, long[] shape) {

        /** {@code latent_dist.sample(generator)}: mean + exp(logvar / 2) · noise, noise drawn by the caller. */
        public float[] sample(float[] noise) {
            if (logvar == null) {
                return mean.clone();
            }
            float[] out = new float[mean.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = mean[i] + (float) Math.exp(0.5f * logvar[i]) * noise[i];
            }
            return out;
        }
    }

    /** Encodes one image [3, H, W] in [-1, 1] into its latent distribution. */
    public Latents encodeDistribution(float[] image, int height, int width, OrtSession.RunOptions runOptions,
                                      RunStats stats) {
        try (DirectTensor tensor = DirectTensor.allocate(factory.environment(), input.type(), new long[] {1, 3, height, width})) {
            tensor.put(image, 0, 0, 3 * height * width);
            long t0 = System.nanoTime();
            try (OrtSession.Result result = session.run(Map.of(input.name(), tensor.tensor()), Set.of(output.name()), runOptions)) {
                stats.addRun(System.nanoTime() - t0);
                var value = result.get(output.name()).orElseThrow();
                long[] s = Tensors.shape(value);
                float[] data = Tensors.toFloats(value, FILE + " " + output.name());
                if (!parameters) {
                    return new Latents(data, null, s);
                }
                int channels = (int) s[1] / 2;
                int n = channels * (int) (s[2] * s[3]);
                float[] mean = new float[n];
                float[] logvar = new float[n];
                System.arraycopy(data, 0, mean, 0, n);
                for (int i = 0; i < n; i++) {
                    // torch.clamp(self.logvar, -30.0, 20.0); NaN-free for -inf (a deterministic encoder)
                    logvar[i] = Math.max(-30f, Math.min(20f, data[n + i]));
                }
                return new Latents(mean, logvar, new long[] {1, channels, s[2], s[3]});
            }
        } catch (OrtException e) {
            throw new OrtRunException(FILE, e);
        }
    }

    /**
     * Encodes one image [3, H, W] in [-1, 1].
     *
     * @return the latent mean [C, h, w] (not yet multiplied by the scaling factor); {@code shape} receives [1, C, h, w]
     */
    public float[] encode(float[] image, int height, int width, long[] shape, OrtSession.RunOptions runOptions, RunStats stats) {
        Latents latents = encodeDistribution(image, height, width, runOptions, stats);
        System.arraycopy(latents.shape(), 0, shape, 0, Math.min(4, shape.length));
        return latents.mean();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

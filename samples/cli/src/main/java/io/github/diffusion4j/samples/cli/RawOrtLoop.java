package io.github.diffusion4j.samples.cli;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The physical limit of this stack for one text-to-image generation: the same three graphs run back to back on ONNX
 * Runtime with every input built before the clock starts — one text-encoder run on the CFG batch, {@code steps} UNet
 * runs on the doubled latents, one VAE decoder run — and no scheduler, noise, tokenizer, events or image conversion.
 * Session options as the SDK sets them on the CPU (all optimisations, the intra-op thread count, spinning off).
 * Float32 SD 1.x/2.x graphs only: it is a yardstick, not a pipeline.
 */
final class RawOrtLoop implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    private final OrtSession text;
    private final OrtSession unet;
    private final OrtSession vae;

    RawOrtLoop(Path model, int threads) throws OrtException {
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (threads > 0) {
            options.setIntraOpNumThreads(threads);
        }
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        OrtSession t = null;
        OrtSession u = null;
        try {
            t = env.createSession(model.resolve("text_encoder/model.onnx").toString(), options);
            u = env.createSession(model.resolve("unet/model.onnx").toString(), options);
            vae = env.createSession(model.resolve("vae_decoder/model.onnx").toString(), options);
        } catch (OrtException | RuntimeException e) {
            for (OrtSession opened : new OrtSession[]{u, t}) {
                if (opened != null) {
                    opened.close();
                }
            }
            options.close();
            throw e;
        }
        text = t;
        unet = u;
    }

    /** Runs one generation of {@code steps} UNet calls at {@code size}² pixels. */
    void generate(int steps, int size) throws OrtException {
        Map<String, NodeInfo> unetInputs = unet.getInputInfo();
        TensorInfo sampleInfo = (TensorInfo) unetInputs.get("sample").getInfo();
        long channels = sampleInfo.getShape()[1] > 0 ? sampleInfo.getShape()[1] : 4;
        long side = size / 8;
        String idsName = text.getInputNames().iterator().next();
        TensorInfo idsInfo = (TensorInfo) text.getInputInfo().get(idsName).getInfo();
        long length = idsInfo.getShape()[1] > 0 ? idsInfo.getShape()[1] : 77;
        try (OnnxTensor ids = ids(idsInfo.type, 2, length);
             OrtSession.Result embedded = text.run(Map.of(idsName, ids));
             OnnxTensor sample = floats(new long[]{2, channels, side, side});
             OnnxTensor timestep = timestep((TensorInfo) unetInputs.get("timestep").getInfo())) {
            OnnxTensor hidden = (OnnxTensor) embedded.get(0);
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("sample", sample);
            inputs.put("timestep", timestep);
            inputs.put("encoder_hidden_states", hidden);
            for (int i = 0; i < steps; i++) {
                unet.run(inputs).close();
            }
            try (OnnxTensor latents = floats(new long[]{1, channels, side, side})) {
                vae.run(Map.of(vae.getInputNames().iterator().next(), latents)).close();
            }
        }
    }

    private OnnxTensor ids(OnnxJavaType type, long batch, long length) throws OrtException {
        int n = (int) (batch * length);
        long[] shape = {batch, length};
        if (type == OnnxJavaType.INT64) {
            return OnnxTensor.createTensor(env, LongBuffer.allocate(n), shape);
        }
        return OnnxTensor.createTensor(env, IntBuffer.allocate(n), shape);
    }

    private OnnxTensor floats(long[] shape) throws OrtException {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return OnnxTensor.createTensor(env, FloatBuffer.allocate((int) n), shape);
    }

    private OnnxTensor timestep(TensorInfo info) throws OrtException {
        long[] shape = info.getShape().length == 0 ? new long[0] : new long[]{info.getShape()[0] > 0 ? info.getShape()[0] : 1};
        int n = shape.length == 0 ? 1 : (int) shape[0];
        if (info.type == OnnxJavaType.INT64) {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape);
        }
        if (info.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException("the raw loop runs float32 graphs only; unet timestep is " + info.type);
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[n]), shape);
    }

    @Override
    public void close() throws OrtException {
        vae.close();
        unet.close();
        text.close();
        options.close();
    }
}

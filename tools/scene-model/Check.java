import ai.onnxruntime.*;
import java.nio.*;
import java.nio.file.*;
import java.util.*;

/** Runs the exported ONNX files with ONNX Runtime (Java) on the reference inputs written by export.py and prints
 *  the max abs difference to torch plus every input/output name, type and shape.
 *  java -cp onnxruntime_gpu-1.29.0.jar Check.java EXPORT_DIR REF_DIR */
public class Check {
    static float[] f(Path p) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] a = new float[b.remaining() / 4]; b.asFloatBuffer().get(a); return a;
    }
    static long[] l(Path p) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        long[] a = new long[b.remaining() / 8]; b.asLongBuffer().get(a); return a;
    }
    static float diff(OnnxValue v, float[] ref) throws Exception {
        FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
        float m = 0; for (int i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(fb.get(i) - ref[i]));
        if (fb.capacity() != ref.length) throw new IllegalStateException("size " + fb.capacity() + " vs " + ref.length);
        return m;
    }
    static void describe(String name, OrtSession s) throws Exception {
        for (var e : s.getInputInfo().entrySet()) System.out.println(name + " in  " + e.getKey() + " " + e.getValue().getInfo());
        for (var e : s.getOutputInfo().entrySet()) System.out.println(name + " out " + e.getKey() + " " + e.getValue().getInfo());
    }
    public static void main(String[] a) throws Exception {
        Path dir = Paths.get(a[0]), ref = Paths.get(a[1]);
        var env = OrtEnvironment.getEnvironment();
        var opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(1);
        try (var te = env.createSession(dir.resolve("text_encoder/model.onnx").toString(), opts);
             var un = env.createSession(dir.resolve("unet/model.onnx").toString(), opts);
             var ve = env.createSession(dir.resolve("vae_encoder/model.onnx").toString(), opts);
             var vd = env.createSession(dir.resolve("vae_decoder/model.onnx").toString(), opts)) {
            describe("text_encoder", te); describe("unet", un); describe("vae_encoder", ve); describe("vae_decoder", vd);
            long[] ids = l(ref.resolve("ids.bin"));
            float[] hidden = f(ref.resolve("hidden.bin"));
            int hid = hidden.length / ids.length;
            try (var t = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{2, ids.length / 2});
                 var r = te.run(Map.of("input_ids", t))) {
                System.out.println("text_encoder last_hidden_state maxdiff " + diff(r.get("last_hidden_state").get(), hidden));
                System.out.println("text_encoder pooler_output maxdiff " + diff(r.get("pooler_output").get(), f(ref.resolve("pooled.bin"))));
            }
            float[] sample = f(ref.resolve("sample.bin"));
            try (var s = OnnxTensor.createTensor(env, FloatBuffer.wrap(sample), new long[]{2, 4, 8, 8});
                 var ts = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[]{500f}), new long[]{});
                 var h = OnnxTensor.createTensor(env, FloatBuffer.wrap(hidden), new long[]{2, 77, hid});
                 var r = un.run(Map.of("sample", s, "timestep", ts, "encoder_hidden_states", h))) {
                System.out.println("unet out_sample maxdiff " + diff(r.get("out_sample").get(), f(ref.resolve("eps.bin"))));
            }
            try (var s = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[4 * 16 * 16]), new long[]{1, 4, 16, 16});
                 var ts = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[]{10f}), new long[]{});
                 var h = OnnxTensor.createTensor(env, FloatBuffer.wrap(Arrays.copyOf(hidden, 20 * hid)), new long[]{1, 20, hid});
                 var r = un.run(Map.of("sample", s, "timestep", ts, "encoder_hidden_states", h))) {
                System.out.println("unet dynamic 16x16 / seq 20 -> " + Arrays.toString(((OnnxTensor) r.get(0)).getInfo().getShape()));
            }
            try (var s = OnnxTensor.createTensor(env, FloatBuffer.wrap(f(ref.resolve("img.bin"))), new long[]{1, 3, 64, 64});
                 var r = ve.run(Map.of("sample", s))) {
                System.out.println("vae_encoder latent_parameters maxdiff " + diff(r.get(0), f(ref.resolve("lat.bin"))));
            }
            try (var s = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[3 * 128 * 96]), new long[]{1, 3, 128, 96});
                 var r = ve.run(Map.of("sample", s))) {
                System.out.println("vae_encoder dynamic 128x96 -> " + Arrays.toString(((OnnxTensor) r.get(0)).getInfo().getShape()));
            }
            try (var s = OnnxTensor.createTensor(env, FloatBuffer.wrap(Arrays.copyOf(sample, 256)), new long[]{1, 4, 8, 8});
                 var r = vd.run(Map.of("latent_sample", s))) {
                System.out.println("vae_decoder sample maxdiff " + diff(r.get(0), f(ref.resolve("rec.bin"))));
            }
            try (var s = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[2 * 4 * 12 * 16]), new long[]{2, 4, 12, 16});
                 var r = vd.run(Map.of("latent_sample", s))) {
                System.out.println("vae_decoder dynamic 2x4x12x16 -> " + Arrays.toString(((OnnxTensor) r.get(0)).getInfo().getShape()));
            }
            try (var t = OnnxTensor.createTensor(env, LongBuffer.wrap(Arrays.copyOf(ids, 10)), new long[]{1, 10});
                 var r = te.run(Map.of("input_ids", t))) {
                System.out.println("text_encoder dynamic seq 10 -> " + Arrays.toString(((OnnxTensor) r.get(0)).getInfo().getShape()));
            }
        }
    }
}

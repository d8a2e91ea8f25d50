import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Loads every component of one or more Stable Diffusion ONNX pipeline folders in ONNX Runtime (CPU), prints the
 * input/output contract and runs the pipeline once end to end with dummy inputs:
 * text_encoder -> unet (CFG batch 2, or 2 calls of batch 1 for a static-batch UNet) -> vae_decoder, and vae_encoder.
 *
 * <pre>
 * java -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime_gpu/1.29.0/onnxruntime_gpu-1.29.0.jar \
 *      tools/CheckModels.java tools/models            # every pipeline folder below tools/models
 * java -cp ... tools/CheckModels.java --bench 20 tools/models/bench   # also time the UNet (2x4x64x64)
 * </pre>
 *
 * Exit status 0 when every non-"broken-*" folder passes and every "broken-*" folder fails.
 */
public class CheckModels {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    static final Random RNG = new Random(42);
    /** When true a rank-1 timestep is fed as [batch] (one value per sample) instead of [1]. */
    static boolean timestepPerBatch;

    public static void main(String[] args) throws Exception {
        int bench = 0;
        int benchSize = 64;
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--bench")) {
                bench = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--bench-size")) {
                benchSize = Integer.parseInt(args[++i]);
            } else {
                Path p = Path.of(args[i]);
                if (Files.exists(p.resolve("model_index.json"))) {
                    dirs.add(p);
                } else {
                    try (Stream<Path> s = Files.list(p)) {
                        s.filter(d -> Files.exists(d.resolve("model_index.json"))).sorted().forEach(dirs::add);
                    }
                }
            }
        }
        int failures = 0;
        for (Path dir : dirs) {
            boolean expectBroken = dir.getFileName().toString().startsWith("broken");
            System.out.println("=== " + dir);
            try {
                checkPipeline(dir, bench, benchSize);
                if (expectBroken) {
                    System.out.println("UNEXPECTED: broken folder passed");
                    failures++;
                } else {
                    System.out.println("OK");
                }
            } catch (Exception e) {
                System.out.println((expectBroken ? "FAILED AS EXPECTED: " : "FAILED: ") + e);
                if (!expectBroken) {
                    failures++;
                }
            }
        }
        System.out.println(failures == 0 ? "ALL GOOD" : failures + " FAILURE(S)");
        System.exit(failures == 0 ? 0 : 1);
    }

    static OrtSession open(Path dir, String component) throws OrtException {
        Path model = dir.resolve(component).resolve("model.onnx");
        if (!Files.exists(model)) {
            throw new IllegalStateException("missing " + model);
        }
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(2);
        OrtSession s = ENV.createSession(model.toString(), opts);
        System.out.println("  " + component + ":");
        for (Map.Entry<String, NodeInfo> e : s.getInputInfo().entrySet()) {
            System.out.println("    in  " + describe(e.getValue()));
        }
        for (Map.Entry<String, NodeInfo> e : s.getOutputInfo().entrySet()) {
            System.out.println("    out " + describe(e.getValue()));
        }
        return s;
    }

    static String describe(NodeInfo n) {
        TensorInfo t = (TensorInfo) n.getInfo();
        return String.format("%-22s %-8s %s", n.getName(), t.onnxType.toString().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", ""),
                Arrays.toString(t.getShape()));
    }

    static TensorInfo info(OrtSession s, String name, boolean input) throws OrtException {
        NodeInfo n = (input ? s.getInputInfo() : s.getOutputInfo()).get(name);
        if (n == null) {
            throw new IllegalStateException("no " + (input ? "input" : "output") + " named '" + name + "', have "
                    + (input ? s.getInputNames() : s.getOutputNames()));
        }
        return (TensorInfo) n.getInfo();
    }

    /** Creates a float tensor in the element type the graph declares (FLOAT or FLOAT16). */
    static OnnxTensor floats(TensorInfo declared, float[] data, long[] shape) throws OrtException {
        if (declared.type == OnnxJavaType.FLOAT16) {
            ShortBuffer sb = Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(data));
            return OnnxTensor.createTensor(ENV, sb, shape, OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(data), shape);
    }

    static float[] read(OnnxValue v) {
        OnnxTensor t = (OnnxTensor) v;
        if (t.getInfo().type == OnnxJavaType.FLOAT16) {
            return toArray(Fp16Conversions.convertFp16BufferToFloatBuffer(t.getShortBuffer()));
        }
        return toArray(t.getFloatBuffer());
    }

    static float[] toArray(FloatBuffer b) {
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
    }

    static float[] randn(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) RNG.nextGaussian();
        }
        return a;
    }

    static String stats(float[] a) {
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0;
        for (float f : a) {
            if (!Float.isFinite(f)) {
                throw new IllegalStateException("non-finite output");
            }
            min = Math.min(min, f);
            max = Math.max(max, f);
            sum += f;
        }
        return String.format("n=%d min=%.4f max=%.4f mean=%.4f", a.length, min, max, sum / a.length);
    }

    static void checkPipeline(Path dir, int bench, int benchSize) throws Exception {
        int vocab = countVocab(dir.resolve("tokenizer/vocab.json"));
        try (OrtSession te = open(dir, "text_encoder"); OrtSession unet = open(dir, "unet");
             OrtSession dec = open(dir, "vae_decoder"); OrtSession enc = open(dir, "vae_encoder")) {
            // --- text encoder, batch 2 (uncond, cond)
            TensorInfo idsInfo = info(te, "input_ids", true);
            long[] idsShape = {2, 77};
            long[] ids = new long[2 * 77];
            Arrays.fill(ids, vocab - 1);
            for (int b = 0; b < 2; b++) {
                ids[b * 77] = vocab - 2;
                if (b == 1) {
                    ids[77 + 1] = 300;
                    ids[77 + 2] = 301;
                }
            }
            boolean staticTe = idsInfo.getShape()[0] == 1;
            float[] ehs;
            long hidden;
            long seq = 77;
            List<float[]> perBatch = new ArrayList<>();
            for (int b = 0; b < (staticTe ? 2 : 1); b++) {
                long[] shape = staticTe ? new long[]{1, 77} : idsShape;
                long[] slice = staticTe ? Arrays.copyOfRange(ids, b * 77, b * 77 + 77) : ids;
                OnnxTensor t = idsInfo.type == OnnxJavaType.INT32
                        ? OnnxTensor.createTensor(ENV, IntBuffer.wrap(Arrays.stream(slice).mapToInt(x -> (int) x).toArray()), shape)
                        : OnnxTensor.createTensor(ENV, LongBuffer.wrap(slice), shape);
                try (t; OrtSession.Result r = te.run(Map.of("input_ids", t))) {
                    float[] last = read(r.get("last_hidden_state").get());
                    float[] pooled = read(r.get("pooler_output").get());
                    System.out.println("    text_encoder last_hidden_state " + stats(last) + " | pooler " + stats(pooled));
                    perBatch.add(last);
                }
            }
            ehs = concat(perBatch);
            hidden = ehs.length / (2 * seq);

            // --- unet, CFG batch 2 (or 2 x batch 1 when the batch dim is fixed)
            int lat = 8;
            TensorInfo sampleInfo = info(unet, "sample", true);
            TensorInfo tInfo = info(unet, "timestep", true);
            TensorInfo ehsInfo = info(unet, "encoder_hidden_states", true);
            boolean staticBatch = sampleInfo.getShape()[0] == 1;
            float[] latents = randn(2 * 4 * lat * lat);
            float[] noisePred = runUnet(unet, sampleInfo, tInfo, ehsInfo, latents, ehs, 2, lat, hidden, staticBatch, 981);
            System.out.println("    unet out_sample " + stats(noisePred) + (staticBatch ? "  (2 calls of batch 1)" : ""));
            if (tInfo.getShape().length == 1) {
                timestepPerBatch = true;
                float[] perBatch2 = runUnet(unet, sampleInfo, tInfo, ehsInfo, latents, ehs, 2, lat, hidden, staticBatch, 981);
                timestepPerBatch = false;
                if (!Arrays.equals(perBatch2, noisePred)) {
                    throw new IllegalStateException("timestep [batch] and [1] give different results");
                }
                System.out.println("    unet timestep shape [1] and [batch] agree");
            }
            float[] other = runUnet(unet, sampleInfo, tInfo, ehsInfo, latents, ehs, 2, lat, hidden, staticBatch, 1);
            if (Arrays.equals(other, noisePred)) {
                throw new IllegalStateException("timestep does not influence out_sample");
            }
            float[] ehs2 = ehs.clone();
            for (int i = 0; i < ehs2.length; i++) {
                ehs2[i] *= 0.5f;
            }
            other = runUnet(unet, sampleInfo, tInfo, ehsInfo, latents, ehs2, 2, lat, hidden, staticBatch, 981);
            if (Arrays.equals(other, noisePred)) {
                throw new IllegalStateException("encoder_hidden_states does not influence out_sample");
            }
            if (bench > 0) {
                float[] bl = randn(2 * 4 * benchSize * benchSize);
                for (int i = 0; i < 3; i++) {
                    runUnet(unet, sampleInfo, tInfo, ehsInfo, bl, ehs, 2, benchSize, hidden, staticBatch, 500);
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < bench; i++) {
                    runUnet(unet, sampleInfo, tInfo, ehsInfo, bl, ehs, 2, benchSize, hidden, staticBatch, 500);
                }
                double ms = (System.nanoTime() - t0) / 1e6 / bench;
                System.out.printf("    BENCH unet sample 2x4x%dx%d: %.1f ms per call (mean of %d)%n", benchSize, benchSize, ms, bench);
            }

            // --- vae decoder (batch 1: the SDK decodes one image at a time, but batch stays dynamic)
            TensorInfo latInfo = info(dec, "latent_sample", true);
            long[] ls = {1, 4, lat, lat};
            try (OnnxTensor t = floats(latInfo, Arrays.copyOf(latents, 4 * lat * lat), ls);
                 OrtSession.Result r = dec.run(Map.of("latent_sample", t))) {
                OnnxTensor img = (OnnxTensor) r.get("sample").orElseThrow(() -> new IllegalStateException("no output 'sample'"));
                System.out.println("    vae_decoder sample " + Arrays.toString(img.getInfo().getShape()) + " " + stats(read(img)));
            }
            // --- vae encoder
            TensorInfo imgInfo = info(enc, "sample", true);
            int px = lat * 8;
            float[] image = new float[3 * px * px];
            for (int i = 0; i < image.length; i++) {
                image[i] = RNG.nextFloat() * 2 - 1;
            }
            try (OnnxTensor t = floats(imgInfo, image, new long[]{1, 3, px, px});
                 OrtSession.Result r = enc.run(Map.of("sample", t))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                String name = enc.getOutputNames().iterator().next();
                System.out.println("    vae_encoder " + name + " " + Arrays.toString(out.getInfo().getShape()) + " " + stats(read(out)));
            }
        }
    }

    static float[] runUnet(OrtSession unet, TensorInfo sampleInfo, TensorInfo tInfo, TensorInfo ehsInfo, float[] latents,
                           float[] ehs, int batch, int lat, long hidden, boolean staticBatch, long timestep) throws OrtException {
        if (staticBatch) {
            int n = 4 * lat * lat;
            int m = (int) (77 * hidden);
            List<float[]> outs = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                outs.add(runUnet(unet, sampleInfo, tInfo, ehsInfo, Arrays.copyOfRange(latents, b * n, b * n + n),
                        Arrays.copyOfRange(ehs, b * m, b * m + m), 1, lat, hidden, false, timestep));
            }
            return concat(outs);
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("sample", floats(sampleInfo, latents, new long[]{batch, 4, lat, lat}));
            in.put("encoder_hidden_states", floats(ehsInfo, ehs, new long[]{batch, 77, hidden}));
            int tn = tInfo.getShape().length == 0 ? 1 : timestepPerBatch ? batch : 1;
            long[] tShape = tInfo.getShape().length == 0 ? new long[0] : new long[]{tn}; // [1] broadcasts over the batch
            long[] tl = new long[tn];
            float[] tf = new float[tn];
            Arrays.fill(tl, timestep);
            Arrays.fill(tf, timestep);
            if (tInfo.type == OnnxJavaType.INT64) {
                in.put("timestep", OnnxTensor.createTensor(ENV, LongBuffer.wrap(tl), tShape));
            } else {
                in.put("timestep", floats(tInfo, tf, tShape));
            }
            try (OrtSession.Result r = unet.run(in)) {
                return read(r.get("out_sample").orElseThrow(() -> new IllegalStateException("no output 'out_sample'")));
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    static float[] concat(List<float[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static int countVocab(Path vocabJson) throws Exception {
        String s = Files.readString(vocabJson);
        // every entry is "token": id; the largest id + 1 is the vocab size
        int max = -1;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":\\s*(\\d+)").matcher(s);
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max + 1;
    }
}

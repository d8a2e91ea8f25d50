import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the probes written by tools/goldens/export_fidelity.py through ONNX Runtime and compares every output with
 * the torch module's output. Prints the largest absolute difference per output; exits 1 when one exceeds the
 * tolerance (second argument, default 1e-4).
 */
public final class CheckExportFidelity {

    private CheckExportFidelity() {
    }

    public static void main(String[] args) throws Exception {
        double tolerance = args.length > 1 ? Double.parseDouble(args[1]) : 1e-4;
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double worst = 0;
        int probes = 0;
        String model = null;
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        List<String[]> outputs = new ArrayList<>();
        for (String line : lines) {
            String[] p = line.split(" ");
            switch (p[0]) {
                case "model" -> model = p[1];
                case "in" -> inputs.put(p[1], tensor(env, p[2], shape(p[3]), Path.of(p[4])));
                case "out" -> outputs.add(p);
                case "end" -> {
                    worst = Math.max(worst, run(env, model, inputs, outputs));
                    probes++;
                    for (OnnxTensor t : inputs.values()) {
                        t.close();
                    }
                    inputs.clear();
                    outputs.clear();
                }
                default -> { }
            }
        }
        System.out.printf("%d probes, largest |onnx - torch| = %.3g (tolerance %.1g)%n", probes, worst, tolerance);
        System.exit(worst <= tolerance ? 0 : 1);
    }

    private static double run(OrtEnvironment env, String model, Map<String, OnnxTensor> inputs,
            List<String[]> outputs) throws Exception {
        double worst = 0;
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
                OrtSession.Result result = session.run(inputs)) {
            for (String[] out : outputs) {
                OnnxTensor actual = (OnnxTensor) result.get(out[1]).orElseThrow();
                long[] expectedShape = shape(out[2]);
                if (!Arrays.equals(actual.getInfo().getShape(), expectedShape)) {
                    throw new IllegalStateException(model + " " + out[1] + " shape "
                            + Arrays.toString(actual.getInfo().getShape()) + " != " + Arrays.toString(expectedShape));
                }
                FloatBuffer got = actual.getFloatBuffer();
                FloatBuffer want = read(Path.of(out[3])).asFloatBuffer();
                double diff = 0;
                for (int i = 0; i < want.limit(); i++) {
                    diff = Math.max(diff, Math.abs(got.get(i) - want.get(i)));
                }
                System.out.printf("%-60s %-18s %s max diff %.3g%n", model, out[1], Arrays.toString(expectedShape),
                        diff);
                worst = Math.max(worst, diff);
            }
        }
        return worst;
    }

    private static OnnxTensor tensor(OrtEnvironment env, String kind, long[] shape, Path file) throws Exception {
        ByteBuffer bytes = read(file);
        if (kind.equals("i64")) {
            LongBuffer values = bytes.asLongBuffer();
            return OnnxTensor.createTensor(env, values, shape);
        }
        FloatBuffer values = bytes.asFloatBuffer();
        return OnnxTensor.createTensor(env, values, shape);
    }

    private static ByteBuffer read(Path file) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long[] shape(String text) {
        return text.equals("-") ? new long[0] : Arrays.stream(text.split(",")).mapToLong(Long::parseLong).toArray();
    }
}

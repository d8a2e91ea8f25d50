package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code peer-benchmark}: the pipeline side by side with {@link RawOrtLoop} (the same graphs on bare ONNX Runtime,
 * inputs prebuilt), each in a fresh JVM, alternating which goes first per round. Prints, per side, session load,
 * launch → first image (JVM start included), per-image wall time after the first and peak RSS, then each side's
 * minimum over the rounds and the pipeline / raw ratios. Minima, because on a shared machine noise only adds time.
 */
@Command(name = "peer-benchmark", mixinStandardHelpOptions = true,
        description = "Pipeline vs a raw ONNX Runtime loop of the same graphs, fresh JVM per run, interleaved.")
final class PeerBenchmark implements Callable<Integer> {

    private static final String RESULT = "PEER-RESULT ";

    @Mixin
    ModelOptions model;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds of (pipeline, raw) JVM pairs (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--images", defaultValue = "5", description = "Images per JVM, the first counted apart (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--steps", defaultValue = "20", description = "Steps per image (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--size", defaultValue = "256", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--child", hidden = true, description = "Internal: run one side in this JVM (pipeline|raw).")
    String child;

    @Option(names = "--launch-ms", hidden = true, description = "Internal: the parent's clock when it started this JVM.")
    long launchMs;

    @Override
    public Integer call() throws Exception {
        if (model.model == null) {
            throw new IllegalArgumentException("--model is required: the raw loop reads the graphs from a folder");
        }
        if (images < 2 || steps < 1 || rounds < 1 || size < 64 || size % 64 != 0) {
            throw new IllegalArgumentException("need --images >= 2, --steps >= 1, --rounds >= 1, --size a multiple of 64");
        }
        if (child != null) {
            return runChild();
        }
        Map<String, List<Map<String, Double>>> results = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            List<String> order = round % 2 == 0 ? List.of("pipeline", "raw") : List.of("raw", "pipeline");
            for (String side : order) {
                Map<String, Double> r = spawn(side);
                results.computeIfAbsent(side, k -> new ArrayList<>()).add(r);
                print("round " + (round + 1) + " " + side, r);
            }
        }
        Map<String, Double> pipeline = minima(results.get("pipeline"));
        Map<String, Double> raw = minima(results.get("raw"));
        print("min pipeline", pipeline);
        print("min raw", raw);
        System.out.printf(Locale.ROOT, "ratio pipeline/raw   load %.2f   launch->first image %.2f   per image %.3f   peak RSS %.2f%n",
                pipeline.get("loadMs") / raw.get("loadMs"), pipeline.get("firstImageMs") / raw.get("firstImageMs"),
                pipeline.get("imageMs") / raw.get("imageMs"), pipeline.get("peakRssKb") / raw.get("peakRssKb"));
        return 0;
    }

    private Map<String, Double> spawn(String side) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms512m", "-Xmx512m",
                "-cp", classPath(), DiffusionCli.class.getName(), "peer-benchmark",
                "--child", side, "--launch-ms", Long.toString(System.currentTimeMillis()),
                "--model", model.model.toString(), "--threads", Integer.toString(model.threads),
                "--provider", model.provider, "--images", Integer.toString(images), "--steps", Integer.toString(steps),
                "--size", Integer.toString(size)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Double> result = null;
        List<String> output = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.add(line);
                if (line.startsWith(RESULT)) {
                    result = parse(line.substring(RESULT.length()));
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("the " + side + " run failed (exit " + exit + "): " + String.join("\n", output));
        }
        return result;
    }

    /**
     * This JVM's application class path; under {@code mvn exec:java} the classes come from a URL class loader and
     * {@code java.class.path} is Maven's own.
     */
    private static String classPath() {
        if (PeerBenchmark.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw new IllegalStateException("cannot use class path entry " + url, e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private int runChild() throws Exception {
        long start = System.nanoTime();
        double[] imageMs = new double[images];
        double loadMs;
        if (child.equals("raw")) {
            try (RawOrtLoop loop = new RawOrtLoop(model.model, model.threads)) {
                loadMs = (System.nanoTime() - start) / 1e6;
                for (int i = 0; i < images; i++) {
                    long t = System.nanoTime();
                    loop.generate(steps, size);
                    imageMs[i] = (System.nanoTime() - t) / 1e6;
                    if (i == 0) {
                        imageMs[0] = System.currentTimeMillis() - launchMs;
                    }
                }
            }
        } else if (child.equals("pipeline")) {
            try (DiffusionPipeline pipeline = model.builder().build()) {
                loadMs = (System.nanoTime() - start) / 1e6;
                for (int i = 0; i < images; i++) {
                    long t = System.nanoTime();
                    pipeline.generateBlocking(GenerationRequest.builder("a small red circle on the left of a blue background")
                            .steps(steps).guidanceScale(7.5).size(size, size).seed((long) i).build());
                    imageMs[i] = (System.nanoTime() - t) / 1e6;
                    if (i == 0) {
                        imageMs[0] = System.currentTimeMillis() - launchMs;
                    }
                }
            }
        } else {
            throw new IllegalArgumentException("--child must be pipeline or raw, got " + child);
        }
        double[] rest = Arrays.copyOfRange(imageMs, 1, images);
        Arrays.sort(rest);
        System.out.printf(Locale.ROOT, "%sloadMs=%.1f firstImageMs=%.1f imageMs=%.2f medianImageMs=%.2f peakRssKb=%d%n",
                RESULT, loadMs, imageMs[0], rest[0], rest[rest.length / 2], peakRssKb());
        return 0;
    }

    private static Map<String, Double> parse(String line) {
        Map<String, Double> values = new HashMap<>();
        for (String pair : line.trim().split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Double.parseDouble(kv[1]));
        }
        return values;
    }

    private static Map<String, Double> minima(List<Map<String, Double>> runs) {
        Map<String, Double> min = new HashMap<>();
        for (Map<String, Double> run : runs) {
            run.forEach((k, v) -> min.merge(k, v, Math::min));
        }
        return min;
    }

    private static void print(String label, Map<String, Double> r) {
        System.out.printf(Locale.ROOT, "%-18s load %8.1f ms   launch->first image %8.1f ms   per image %8.2f ms (median %8.2f)   peak RSS %7.0f MiB%n",
                label, r.get("loadMs"), r.get("firstImageMs"), r.get("imageMs"), r.get("medianImageMs"),
                r.get("peakRssKb") / 1024);
    }

    /** VmHWM from /proc (Linux); -1 elsewhere. */
    private static long peakRssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}

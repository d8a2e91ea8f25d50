package io.github.diffusion4j.samples.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code session-benchmark}: what the optimized-model cache saves per graph. Writes each component's optimised graph
 * once (as the cache does), then creates sessions of the original graph with full optimisation (a first start) and
 * of the optimised graph with optimisation off (a later start), interleaved, and prints each one's minimum.
 */
@Command(name = "session-benchmark", mixinStandardHelpOptions = true,
        description = "Session creation: original graph optimised now vs the cached optimised graph.")
final class SessionBenchmark implements Callable<Integer> {

    private static final List<String> COMPONENTS = List.of("unet", "text_encoder", "vae_decoder");

    @Option(names = "--model", required = true, description = "The model folder.")
    Path model;

    @Option(names = "--rounds", defaultValue = "15", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", defaultValue = "1", description = "Intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws IOException, OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path out = Files.createTempDirectory("d4j-session-benchmark");
        try {
            for (String component : COMPONENTS) {
                Path graph = model.resolve(component).resolve("model.onnx");
                if (!Files.isRegularFile(graph)) {
                    continue;
                }
                Path optimized = out.resolve(component).resolve("model.onnx");
                Files.createDirectories(optimized.getParent());
                try (OrtSession.SessionOptions o = options(OptLevel.ALL_OPT)) {
                    o.setOptimizedModelFilePath(optimized.toString());
                    o.addConfigEntry("session.optimized_model_external_initializers_file_name", "model.onnx.data");
                    o.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
                    o.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
                    env.createSession(graph.toString(), o).close();
                }
                double first = Double.MAX_VALUE;
                double later = Double.MAX_VALUE;
                for (int r = 0; r < rounds; r++) {
                    first = Math.min(first, create(env, graph, OptLevel.ALL_OPT));
                    later = Math.min(later, create(env, optimized, OptLevel.NO_OPT));
                }
                System.out.printf(Locale.ROOT, "SESSION-BENCHMARK %-13s original ALL_OPT min %7.1f ms | cached NO_OPT min %7.1f ms%n",
                        component, first, later);
            }
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    private double create(OrtEnvironment env, Path graph, OptLevel level) throws OrtException {
        try (OrtSession.SessionOptions o = options(level)) {
            long t = System.nanoTime();
            env.createSession(graph.toString(), o).close();
            return (System.nanoTime() - t) / 1e6;
        }
    }

    private OrtSession.SessionOptions options(OptLevel level) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(level);
        o.setIntraOpNumThreads(threads);
        return o;
    }
}

package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.model.SessionFactory;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code memory-benchmark}: does memory come back after a large request, and what does the arena setting cost at the
 * common size? Small generations (warm-up, then the minimum over {@code --runs}), one or more large 1-step
 * generations, small ones again; prints RSS before, the peak, RSS after each large request and the small minima
 * before and after. Run once per {@code -Ddiffusion4j.ort.cpuArena} value, fresh JVM each.
 */
@Command(name = "memory-benchmark", mixinStandardHelpOptions = true,
        description = "RSS before / peak / after a large request, and the small-size speed around it.")
final class MemoryBenchmark implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--small", defaultValue = "64", description = "Side of the common request (default: ${DEFAULT-VALUE}).")
    int small;

    @Option(names = "--big", defaultValue = "768", description = "Side of the large request (default: ${DEFAULT-VALUE}).")
    int big;

    @Option(names = "--big-runs", defaultValue = "2", description = "Large 1-step requests (default: ${DEFAULT-VALUE}).")
    int bigRuns;

    @Option(names = "--runs", defaultValue = "10", description = "Small 10-step requests timed before and after (default: ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() throws IOException {
        String arena = System.getProperty(SessionFactory.CPU_ARENA_PROPERTY, "(default)");
        try (DiffusionPipeline pipeline = model.builder().build()) {
            smallMin(pipeline, 3);
            double before = smallMin(pipeline, runs);
            long rssBefore = status("VmRSS:");
            StringBuilder after = new StringBuilder();
            for (int i = 0; i < bigRuns; i++) {
                pipeline.generateBlocking(GenerationRequest.builder("a large request").size(big, big).steps(1)
                        .guidanceScale(7.5).seed(1L).previewInterval(0).build());
                long rss = status("VmRSS:");
                after.append(String.format(Locale.ROOT, " %d MiB (%+.1f%%)", rss / 1024, 100.0 * (rss - rssBefore) / rssBefore));
            }
            long peak = status("VmHWM:");
            double afterMs = smallMin(pipeline, runs);
            long rssEnd = status("VmRSS:");
            System.out.printf(Locale.ROOT, "MEMORY-BENCHMARK cpuArena=%s small %d² 10 steps min %.1f ms before, %.1f ms after"
                            + " | RSS before %d MiB, peak %d MiB, after each %d² request%s, after the small runs %d MiB (%+.1f%%)%n",
                    arena, small, before, afterMs, rssBefore / 1024, peak / 1024, big, after, rssEnd / 1024,
                    100.0 * (rssEnd - rssBefore) / rssBefore);
        }
        return 0;
    }

    private double smallMin(DiffusionPipeline pipeline, int n) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            pipeline.generateBlocking(GenerationRequest.builder("a small red circle on the left of a blue background")
                    .size(small, small).steps(10).guidanceScale(7.5).seed((long) i).previewInterval(0).build());
            best = Math.min(best, (System.nanoTime() - t) / 1e6);
        }
        return best;
    }

    /** A /proc/self/status field in KiB (VmRSS now, VmHWM the peak); -1 off Linux. */
    private static long status(String field) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}

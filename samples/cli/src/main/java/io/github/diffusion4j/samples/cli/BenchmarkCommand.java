package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code benchmark}: runs N generations back to back and prints the pipeline's overhead over raw ONNX Runtime, the
 * latency of the first step event, throughput and resident memory before and after.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Measure pipeline overhead, first-step latency, steps/s and RSS growth over N generations.",
                "Here --steps defaults to 10 and --cfg to 7.5, not the model's recommendation, so models compare."})
final class BenchmarkCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = "--runs", defaultValue = "20", description = "Measured generations (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured generations first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Mixin
    SamplingOptions sampling;

    @Option(names = {"-p", "--prompt"}, defaultValue = "a small red circle on the left of a blue background",
            description = "Prompt of every generation (default: ${DEFAULT-VALUE}).")
    String prompt;

    @Option(names = "--preview-interval", defaultValue = "1", description = "Preview every N steps (default: ${DEFAULT-VALUE}).")
    int previewInterval;

    @Override
    public Integer call() throws IOException {
        // no Model hash: its background read of the weights would share the machine with the first timed runs
        try (DiffusionPipeline pipeline = model.builder().modelHash(false).build()) {
            // fixed defaults rather than the model's recommendation, so numbers from different models compare
            GenerationRequest.Builder request = sampling.applyTo(GenerationRequest.builder(prompt).steps(10).guidanceScale(7.5))
                    .previewInterval(previewInterval);
            GenerationRequest probe = request.build();
            for (int i = 0; i < warmup; i++) {
                run(pipeline, request.seed((long) i).build());
            }
            long rssBefore = rssKb();
            double wall = 0;
            double ort = 0;
            double firstStep = 0;
            double text = 0;
            double stepOne = 0;
            long totalSteps = 0;
            for (int i = 0; i < runs; i++) {
                Sample s = run(pipeline, request.seed(1000L + i).build());
                wall += s.wallNanos;
                ort += s.result.timings().onnxRun().toNanos();
                firstStep += s.firstStepNanos;
                text += s.result.timings().textEncoding().toNanos();
                stepOne += s.firstStepDurationNanos;
                totalSteps += s.steps;
            }
            long rssAfter = rssKb();
            System.out.printf(Locale.ROOT, "model                 %s (%s, %s)%n", pipeline.info().name(), pipeline.info().layout(),
                    pipeline.info().provider());
            System.out.printf(Locale.ROOT, "generations           %d x %d steps, cfg %.1f, %dx%d%n", runs, probe.steps(),
                    probe.guidanceScale(), probe.width() != null ? probe.width() : pipeline.info().defaultWidth(),
                    probe.height() != null ? probe.height() : pipeline.info().defaultHeight());
            System.out.printf(Locale.ROOT, "pipeline wall time    %.1f ms (%.2f ms/generation)%n", wall / 1e6, wall / 1e6 / runs);
            System.out.printf(Locale.ROOT, "sum of ORT run times  %.1f ms%n", ort / 1e6);
            System.out.printf(Locale.ROOT, "ratio wall/ORT        %.4f%n", wall / ort);
            System.out.printf(Locale.ROOT, "first step event      %.2f ms (text encoding %.2f ms + first step %.2f ms = %.2f ms; margin %.2f ms)%n",
                    firstStep / 1e6 / runs, text / 1e6 / runs, stepOne / 1e6 / runs, (text + stepOne) / 1e6 / runs,
                    (firstStep - text - stepOne) / 1e6 / runs);
            System.out.printf(Locale.ROOT, "steps/s               %.2f%n", totalSteps / (wall / 1e9));
            System.out.printf(Locale.ROOT, "RSS before/after      %d KiB / %d KiB (%+.2f%%)%n", rssBefore, rssAfter,
                    100.0 * (rssAfter - rssBefore) / rssBefore);
        }
        return 0;
    }

    private record Sample(GenerationResult result, long wallNanos, long firstStepNanos, long firstStepDurationNanos, int steps) {
    }

    private static Sample run(DiffusionPipeline pipeline, GenerationRequest request) {
        long t0 = System.nanoTime();
        long[] first = {-1, 0};
        int[] stepCount = {0};
        List<GenerationEvent> events = pipeline.generate(request)
                .onItem().invoke(e -> {
                    if (e instanceof GenerationEvent.Step s) {
                        if (first[0] < 0) {
                            first[0] = System.nanoTime() - t0;
                            first[1] = s.stepDuration().toNanos();
                        }
                        stepCount[0]++;
                    }
                })
                .collect().asList().await().indefinitely();
        long wall = System.nanoTime() - t0;
        GenerationResult result = ((GenerationEvent.Completed) events.get(events.size() - 1)).result();
        return new Sample(result, wall, first[0], first[1], stepCount[0]);
    }

    /** Resident set size from /proc (Linux); -1 elsewhere. */
    static long rssKb() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

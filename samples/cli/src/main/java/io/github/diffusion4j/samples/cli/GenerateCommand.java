package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/** {@code generate}: one prompt to PNG files, with a progress bar on stderr fed by the step events. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate an image from a prompt.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model;

    @Option(names = {"-p", "--prompt"}, required = true, description = "What to draw.")
    String prompt;

    @Option(names = {"-n", "--negative"}, defaultValue = "", description = "What to avoid.")
    String negative;

    @Option(names = "--steps", description = "Denoising steps (default: what the model recommends, else 50).")
    Integer steps;

    @Option(names = "--cfg", description = "Classifier-free guidance scale (default: what the model recommends, else 7.5;"
            + " <= 1 disables).")
    Double cfg;

    @Option(names = "--seed", description = "Seed (default: random, printed).")
    Long seed;

    @Option(names = "--scheduler", description = "ddim, ddpm, pndm, euler, euler_a, lms, dpmpp_2m, ... (default: the model's).")
    String scheduler;

    @Option(names = "--noise", defaultValue = "torch", paramLabel = "torch|numpy",
            description = "Which reference generator the seeded noise reproduces (default: ${DEFAULT-VALUE}).")
    String noise;

    @Option(names = "--width", description = "Width in pixels, multiple of 8 (default: the model's).")
    Integer width;

    @Option(names = "--height", description = "Height in pixels, multiple of 8 (default: the model's).")
    Integer height;

    @Option(names = "--batch", defaultValue = "1", description = "Images to generate (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-o", "--out"}, defaultValue = "out.png", description = "Output PNG (batch: -1, -2 ... appended).")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        GenerationRequest request = GenerationRequest.builder(prompt)
                .negativePrompt(negative)
                .steps(steps)
                .guidanceScale(cfg)
                .seed(seed)
                .scheduler(scheduler)
                .noiseSource(NoiseSource.fromName(noise))
                .width(width)
                .height(height)
                .batchSize(batch)
                .previewInterval(0)
                .build();
        try (DiffusionPipeline pipeline = model.builder().build()) {
            AtomicReference<GenerationResult> result = new AtomicReference<>();
            pipeline.generate(request)
                    .onItem().invoke(event -> {
                        if (event instanceof GenerationEvent.Started s && !quiet) {
                            err.printf(Locale.ROOT, "seed %d, %dx%d, %d steps, %s on %s%n", s.seed(), s.width(), s.height(),
                                    s.steps(), s.scheduler(), pipeline.info().provider());
                            if (!s.promptDroppedWords().isEmpty()) {
                                err.println("prompt truncated, dropped: " + String.join(" ", s.promptDroppedWords()));
                            }
                        } else if (event instanceof GenerationEvent.Step st && !quiet) {
                            err.print("\r" + ProgressBar.render(st, 30));
                            if (st.index() == st.total()) {
                                err.println();
                            }
                        } else if (event instanceof GenerationEvent.Completed c) {
                            result.set(c.result());
                        }
                    })
                    .collect().last()
                    .await().indefinitely();
            GenerationResult r = result.get();
            for (int i = 0; i < r.images().size(); i++) {
                GeneratedImage image = r.images().get(i);
                Path target = r.images().size() == 1 ? out : numbered(out, i + 1);
                Path parent = target.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.write(target, image.png());
                System.out.println(target);
            }
            if (!quiet) {
                err.printf(Locale.ROOT, "done in %d ms (text %d ms, denoise %d ms, decode %d ms), seed %d%n",
                        r.timings().total().toMillis(), r.timings().textEncoding().toMillis(),
                        r.timings().denoising().toMillis(), r.timings().decoding().toMillis(), r.seed());
            }
        }
        return 0;
    }

    private static Path numbered(Path file, int n) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot < 0 ? name + "-" + n : name.substring(0, dot) + "-" + n + name.substring(dot);
        return file.resolveSibling(numbered);
    }
}

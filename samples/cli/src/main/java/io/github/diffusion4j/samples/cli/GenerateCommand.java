package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.InitImage;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** {@code generate}: one prompt to PNG files, with a progress line on stderr fed by the step events. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate an image from a prompt.")
final class GenerateCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(GenerateCommand.class);

    @Mixin
    ModelOptions model;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    HiresOptions hires = new HiresOptions();

    @Option(names = {"-p", "--prompt"}, description = "What to draw (required unless --from-png gives it).")
    String prompt;

    @Option(names = {"-n", "--negative"}, description = "What to avoid.")
    String negative;

    @Option(names = "--seed", description = "Seed (default: random, printed).")
    Long seed;

    @Option(names = "--noise", paramLabel = "torch|numpy",
            description = "Which reference generator the seeded noise reproduces (default: torch).")
    String noise;

    @Option(names = "--batch", description = "Images to generate (default: 1).")
    Integer batch;

    @Option(names = "--from-png", paramLabel = "FILE", description = "Start from the settings stored in a PNG (ours or"
            + " AUTOMATIC1111's 'parameters'); options given as well override them.")
    Path fromPng;

    @Option(names = "--init-image", paramLabel = "FILE", description = "Start from this image (PNG or JPEG):"
            + " image-to-image, or inpainting with --mask. The output takes its size unless --width/--height say"
            + " otherwise.")
    Path initImage;

    @Option(names = "--mask", paramLabel = "FILE", description = "Inpainting mask for --init-image, same size:"
            + " white = repaint, black = keep.")
    Path mask;

    @Option(names = "--strength", paramLabel = "S", description = "With --init-image: how much of the schedule runs,"
            + " in (0, 1]; 1 repaints from noise, 0.3 keeps most of the image (default: 0.8, with --mask 1.0).")
    Double strength;

    @Option(names = {"-o", "--out"}, defaultValue = "out.png", description = "Output PNG (batch: -1, -2 ... appended).")
    Path out;

    @Option(names = "--force", description = "Overwrite existing output files.")
    boolean force;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        GenerationRequest request = request(err);
        List<Path> targets = targets(request.batchSize());
        Path folder = model.folder();
        try (DiffusionPipeline pipeline = model.builder(folder).build()) {
            GenerationResult r = run(pipeline, request, err);
            // A1111's "Model hash": the pipeline hashes the denoiser's weights in the background from its load on; a
            // short run can end first, and a file's PNG must carry it all the same
            String modelHash = modelHash(pipeline.modelHash());
            for (int i = 0; i < r.images().size(); i++) {
                GeneratedImage image = r.images().get(i);
                byte[] png = modelHash == null || modelHash.equals(image.metadata().modelHash()) ? image.png()
                        : Images.toPng(image.image(), image.metadata().withModelHash(modelHash).toA1111Parameters());
                write(targets.get(i), png);
                System.out.println(targets.get(i));
            }
            if (!quiet) {
                err.printf(Locale.ROOT, "done in %d ms (text %d ms, denoise %d ms, decode %d ms), seed %d%n",
                        r.timings().total().toMillis(), r.timings().textEncoding().toMillis(),
                        r.timings().denoising().toMillis(), r.timings().decoding().toMillis(), r.seed());
            }
        }
        return 0;
    }

    private GenerationRequest request(PrintStream err) throws IOException {
        GenerationRequest.Builder builder;
        if (fromPng != null) {
            builder = PngSettings.read(fromPng, err, quiet);
        } else if (prompt == null) {
            throw new IllegalArgumentException("prompt is required: pass --prompt TEXT or --from-png FILE");
        } else {
            builder = GenerationRequest.builder(prompt).noiseSource(NoiseSource.TORCH);
        }
        if (prompt != null) {
            builder.prompt(prompt);
        }
        if (negative != null) {
            builder.negativePrompt(negative);
        }
        if (seed != null) {
            builder.seed(seed);
        }
        if (noise != null) {
            builder.noiseSource(NoiseSource.fromName(noise));
        }
        if (batch != null) {
            builder.batchSize(batch);
        }
        builder.initImage(initImage());
        builder.hires(hires.toHiresFix(builder.build().hires()));
        return sampling.applyTo(builder).previewInterval(0).build();
    }

    /** The init image of --init-image / --mask / --strength, or {@code null} for text-to-image. */
    private InitImage initImage() throws IOException {
        if (initImage == null) {
            if (mask != null || strength != null) {
                throw new IllegalArgumentException((mask != null ? "mask" : "strength")
                        + " applies only with --init-image FILE");
            }
            return null;
        }
        BufferedImage image = readImage("init-image", initImage);
        if (mask == null) {
            return InitImage.of(image, strength != null ? strength : 0.8);
        }
        return InitImage.inpaint(image, readImage("mask", mask), strength != null ? strength : 1.0);
    }

    private static BufferedImage readImage(String option, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + ": " + file + " is not a file");
        }
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IllegalArgumentException(option + ": " + file + " is not a PNG or JPEG image");
        }
        return image;
    }

    private GenerationResult run(DiffusionPipeline pipeline, GenerationRequest request, PrintStream err) {
        TerminalProgress progress = new TerminalProgress(err, TerminalProgress.stderrIsTerminal());
        AtomicReference<GenerationResult> result = new AtomicReference<>();
        pipeline.generate(request)
                .onItem().invoke(event -> {
                    if (event instanceof GenerationEvent.Started s && !quiet) {
                        err.printf(Locale.ROOT, "%s, seed %d, %dx%d, %d steps, %s on %s%n", s.task(), s.seed(), s.width(),
                                s.height(), s.steps(), s.scheduler(), pipeline.info().provider());
                        if (!s.promptDroppedWords().isEmpty()) {
                            err.println("prompt truncated, dropped: " + String.join(" ", s.promptDroppedWords()));
                        }
                    } else if (event instanceof GenerationEvent.Step st && !quiet) {
                        progress.step(st);
                    } else if (event instanceof GenerationEvent.Completed c) {
                        result.set(c.result());
                    }
                })
                .collect().last()
                .await().indefinitely();
        return result.get();
    }

    /** The output files, refused up front when one exists and --force was not given (nothing is generated then). */
    private List<Path> targets(int count) {
        List<Path> targets = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            Path target = count == 1 ? out : numbered(out, i);
            if (!force && Files.exists(target)) {
                throw new IllegalArgumentException("out: " + target + " already exists; pass --force to overwrite it");
            }
            targets.add(target);
        }
        return targets;
    }

    private static String modelHash(CompletableFuture<String> hash) {
        try {
            return hash.join();
        } catch (RuntimeException e) {
            LOG.warnf("No Model hash in the PNG: %s", e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            return null;
        }
    }

    private static void write(Path target, byte[] png) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(target, png);
    }

    private static Path numbered(Path file, int n) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String numbered = dot < 0 ? name + "-" + n : name.substring(0, dot) + "-" + n + name.substring(dot);
        return file.resolveSibling(numbered);
    }
}

package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.models.scenes.ScenesModel;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.model.ExecutionProvider;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Options shared by the commands that load a model. */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model folder in the Hugging Face / Optimum ONNX layout (default: the embedded scenes model).")
    Path model;

    @Option(names = "--provider", defaultValue = "auto", paramLabel = "auto|cuda|cpu",
            description = "Execution provider (default: ${DEFAULT-VALUE}).")
    String provider;

    @Option(names = "--device", defaultValue = "0", description = "CUDA device id (default: ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--threads", defaultValue = "0", description = "CPU intra-op threads, 0 = ONNX Runtime default.")
    int threads;

    /** The model folder: {@code --model}, else the embedded scenes model extracted to a temporary folder. */
    Path folder() {
        return model != null ? model : extractScenes();
    }

    DiffusionPipeline.Builder builder() {
        return builder(folder());
    }

    DiffusionPipeline.Builder builder(Path folder) {
        return DiffusionPipeline.builder(folder)
                .name(model == null ? ScenesModel.NAME : null)
                .provider(ExecutionProvider.fromName(provider))
                .cudaDeviceId(device)
                .cpuThreads(threads);
    }

    /** The embedded model, extracted to a temporary folder removed when the JVM exits. */
    private static Path extractScenes() {
        Path dir = ScenesModel.extractToTemporaryDirectory();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // best effort: a temp folder left behind is harmless
            }
        }));
        return dir;
    }
}

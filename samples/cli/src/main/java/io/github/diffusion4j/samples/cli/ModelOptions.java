package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.ExecutionProvider;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options shared by the commands that load a model. */
final class ModelOptions {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Model folder in the Hugging Face / Optimum ONNX layout.")
    Path model;

    @Option(names = "--provider", defaultValue = "auto", paramLabel = "auto|cuda|cpu",
            description = "Execution provider (default: ${DEFAULT-VALUE}).")
    String provider;

    @Option(names = "--device", defaultValue = "0", description = "CUDA device id (default: ${DEFAULT-VALUE}).")
    int device;

    @Option(names = "--threads", defaultValue = "0", description = "CPU intra-op threads, 0 = ONNX Runtime default.")
    int threads;

    DiffusionPipeline.Builder builder() {
        return DiffusionPipeline.builder(model)
                .provider(ExecutionProvider.fromName(provider))
                .cudaDeviceId(device)
                .cpuThreads(threads);
    }
}

package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.model.DirectTensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Folders that are not usable models fail with a message naming the missing or mismatched file and input. */
class BrokenModelTest {

    @Test
    void missingUnetIsNamed() {
        Path folder = TestModels.model("broken-missing-unet");
        assertThatThrownBy(() -> TestModels.pipeline("broken-missing-unet"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Model folder " + folder.toAbsolutePath().normalize()
                        + " is not a usable diffusion ONNX export: missing unet/model.onnx (expected the Hugging Face"
                        + " / Optimum layout: text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/)");
    }

    @Test
    void wrongInputNameIsNamedAndOpenedSessionsAreClosed() {
        int before = DirectTensor.openTensors();
        assertThatThrownBy(() -> TestModels.pipeline("broken-wrong-input"))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("unet/model.onnx has no input 'sample' (inputs: latents: float[-1, -1, -1, -1]");
        assertThat(DirectTensor.openTensors()).isEqualTo(before);
    }

    @Test
    void notAFolder() {
        Path missing = TestModels.root().resolve("does-not-exist");
        assertThatThrownBy(() -> DiffusionPipeline.builder(missing).provider(ExecutionProvider.CPU).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Model folder " + missing.toAbsolutePath().normalize() + " does not exist or is not a directory");
    }

    @Test
    void explicitCudaWithoutGpuIsAClearError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(java.nio.file.Files.exists(Path.of("/proc/driver/nvidia/version")),
                "this machine has an NVIDIA driver; the CUDA failure path cannot be exercised here");
        assertThatThrownBy(() -> DiffusionPipeline.builder(TestModels.model("optimum-new"))
                .provider(ExecutionProvider.CUDA).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("The CUDA execution provider could not be loaded on device 0")
                .hasMessageContaining("use provider 'cpu' or 'auto'");
    }

    @Test
    void autoFallsBackToCpu() {
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(TestModels.model("optimum-new"))
                .provider(ExecutionProvider.AUTO).cpuThreads(1).build()) {
            if (!java.nio.file.Files.exists(Path.of("/proc/driver/nvidia/version"))) {
                assertThat(pipeline.info().provider()).isEqualTo("cpu");
            }
            assertThat(pipeline.generateBlocking(GenerationRequest.builder("x").steps(1).seed(1L).build()).images()).hasSize(1);
        }
    }
}

package io.github.diffusion4j.tokenizer;

import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.model.ModelLoadException;
import io.github.diffusion4j.pipeline.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the Hugging Face tokenizers JNI library cannot load, loading a FLUX.1 model fails with a message naming the
 * model folder and the tokenizer. DJL loads its library once per JVM (a static initialiser), so the failure is
 * simulated in a JVM of its own whose DJL cache folder cannot be created: where DJL extracts the library to.
 */
class TokenizerLibraryFailureTest {

    /** The child JVM: loads the model folder given as argument and prints the load error. */
    public static void main(String[] args) {
        try (DiffusionModel ignored = DiffusionModel.load(Paths.get(args[0]), ExecutionProvider.CPU, 0, 1)) {
            System.out.println("LOADED");
        } catch (ModelLoadException e) {
            System.out.println("ERROR " + e.getMessage());
        }
    }

    @Test
    void aNativeLibraryThatCannotLoadIsAClearLoadError() throws IOException, InterruptedException {
        Path model = TestModels.model("flux-schnell").toAbsolutePath();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                // /proc refuses new folders: DJL cannot extract libtokenizers.so there
                "-DENGINE_CACHE_DIR=/proc/diffusion4j-no-such-cache", TokenizerLibraryFailureTest.class.getName(),
                model.toString())).redirectErrorStream(true);
        // ONNX Runtime's telemetry start-up crashes a plain JVM on some hosts (README, containers)
        builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
        Process child = builder.start();
        child.getOutputStream().close();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String error = output.lines().filter(l -> l.startsWith("ERROR ")).findFirst().orElse(output);
        assertThat(error).as(output)
                .contains("tokenizer_2/ of " + model)
                .contains("Hugging Face tokenizers library")
                .contains("Failed to load Huggingface native library")
                .contains("DJL_CACHE_DIR");
    }
}

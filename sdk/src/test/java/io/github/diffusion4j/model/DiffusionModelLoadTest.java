package io.github.diffusion4j.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The VAE decoder's session is opened on a second thread beside the denoiser and encoders: a failure still reports
 * the first error in the serial load order and leaves no load thread behind.
 */
class DiffusionModelLoadTest {

    @TempDir
    Path temp;

    @Test
    void aBrokenDecoderIsReportedWhenEverythingElseLoads() throws Exception {
        Path folder = copyFixture();
        Files.writeString(folder.resolve("vae_decoder/model.onnx"), "not an onnx graph");
        assertThatThrownBy(() -> DiffusionModel.load(folder, ExecutionProvider.CPU, 0, 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Cannot load " + folder.resolve("vae_decoder/model.onnx"));
        assertNoLoadThreadLeft();
    }

    @Test
    void aBrokenDenoiserComesFirstAndTheDecoderFailureIsAttached() throws Exception {
        Path folder = copyFixture();
        Files.writeString(folder.resolve("vae_decoder/model.onnx"), "not an onnx graph");
        Files.writeString(folder.resolve("unet/model.onnx"), "not an onnx graph either");
        assertThatThrownBy(() -> DiffusionModel.load(folder, ExecutionProvider.CPU, 0, 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Cannot load " + folder.resolve("unet/model.onnx"))
                .satisfies(e -> assertThat(e.getSuppressed()).anySatisfy(s -> assertThat(s)
                        .hasMessageStartingWith("Cannot load " + folder.resolve("vae_decoder/model.onnx"))));
        assertNoLoadThreadLeft();
    }

    @Test
    void aBrokenTokenizerComesBeforeAWorkingDecoderWhichIsClosed() throws Exception {
        Path folder = copyFixture();
        Files.writeString(folder.resolve("tokenizer/vocab.json"), "{\"a\": ");
        assertThatThrownBy(() -> DiffusionModel.load(folder, ExecutionProvider.CPU, 0, 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("tokenizer/")
                .hasMessageContaining("is not valid JSON: invalid JSON at line 1, column 7");
        assertNoLoadThreadLeft();
    }

    @Test
    void aWorkingFolderLoadsEveryComponent() throws Exception {
        try (DiffusionModel model = DiffusionModel.load(copyFixture(), ExecutionProvider.CPU, 0, 1)) {
            assertThat(model.contract()).containsKeys("unet/model.onnx", "vae_decoder/model.onnx");
        }
        assertNoLoadThreadLeft();
    }

    private Path copyFixture() throws IOException {
        Path source = Path.of("../tools/models/optimum-new");
        Path target = temp.resolve("optimum-new");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
            files = walk.toList();
        }
        for (Path p : files) {
            Path dest = target.resolve(source.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(dest);
            } else {
                Files.copy(p, dest);
            }
        }
        return target;
    }

    private static void assertNoLoadThreadLeft() throws InterruptedException {
        // the load thread ends when its task does; join() / discard() wait for the task, not for the thread's exit
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (loadThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(loadThreads()).isZero();
    }

    private static long loadThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("diffusion4j-load-") && t.isAlive()).count();
    }
}

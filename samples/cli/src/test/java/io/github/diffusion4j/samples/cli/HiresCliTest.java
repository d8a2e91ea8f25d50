package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code generate --hires-*} end to end on a tiny model, and {@code --from-png} of a hires PNG. */
class HiresCliTest {

    private static String model() {
        return Paths.get(System.getProperty("diffusion4j.testModels", "../../tools/models")).resolve("optimum-new")
                .toString();
    }

    @Test
    void hiresFixUpscalesAndRecordsItsSettings(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out.png");
        String err = stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "a fox", "--steps", "3", "--scheduler", "euler", "--seed", "5", "--width", "64", "--height", "64",
                "--hires-scale", "2", "--hires-strength", "0.5", "--hires-steps", "4", "--hires-upscaler",
                "latent-nearest", "--out", out.toString())).isZero());
        assertThat(err).contains("hires, seed 5, 128x128, 5 steps, euler");
        BufferedImage result = ImageIO.read(out.toFile());
        assertThat(result.getWidth()).isEqualTo(128);
        String parameters = Images.readParameters(Files.readAllBytes(out));
        assertThat(parameters).contains("Size: 64x64", "Denoising strength: 0.5", "Hires upscale: 2", "Hires steps: 4",
                "Hires upscaler: Latent (nearest)");

        // the settings come back from the PNG: the same two passes, the same pixels
        Path again = dir.resolve("again.png");
        assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu", "--quiet", "--from-png",
                out.toString(), "--out", again.toString())).isZero();
        BufferedImage replay = ImageIO.read(again.toFile());
        assertThat(replay.getWidth()).isEqualTo(128);
        assertThat(replay.getRGB(10, 10)).isEqualTo(result.getRGB(10, 10));
        assertThat(replay.getRGB(100, 77)).isEqualTo(result.getRGB(100, 77));
    }

    @Test
    void badHiresOptionsAreNamed(@TempDir Path dir) {
        String out = dir.resolve("x.png").toString();
        assertThat(stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "x", "--hires-strength", "0.5", "--out", out)).isEqualTo(2)))
                .contains("the --hires-* options need --hires-scale X");
        assertThat(stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "x", "--hires-scale", "5", "--out", out)).isEqualTo(2)))
                .contains("hires.scale must be between 1 and 4, got 5.0");
        assertThat(stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "x", "--hires-scale", "2", "--hires-upscaler", "esrgan", "--out", out)).isEqualTo(2)))
                .contains("hires-upscaler must be one of [latent-bilinear");
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return err.toString(StandardCharsets.UTF_8);
    }
}

package io.github.diffusion4j.samples.cli;

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
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code generate --init-image / --mask / --strength} end to end on a tiny model. */
class ImageEditingCliTest {

    private static String model() {
        return Paths.get(System.getProperty("diffusion4j.testModels", "../../tools/models")).resolve("optimum-new")
                .toString();
    }

    @Test
    void imageToImageTakesTheInitImagesSize(@TempDir Path dir) throws IOException {
        Path init = write(dir.resolve("init.png"), noise(64, 48, 1));
        Path out = dir.resolve("out.png");
        String err = stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "a fox", "--steps", "4", "--seed", "5", "--init-image", init.toString(), "--strength", "0.5",
                "--out", out.toString())).isZero());
        assertThat(err).contains("img2img, seed 5, 64x48");
        BufferedImage result = ImageIO.read(out.toFile());
        assertThat(result.getWidth()).isEqualTo(64);
        assertThat(result.getHeight()).isEqualTo(48);
    }

    @Test
    void inpaintingKeepsThePixelsOutsideTheMask(@TempDir Path dir) throws IOException {
        BufferedImage source = noise(64, 64, 2);
        Path init = write(dir.resolve("init.png"), source);
        BufferedImage maskImage = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 32; x++) {
                maskImage.setRGB(x, y, 0xFFFFFFFF);
            }
        }
        Path mask = write(dir.resolve("mask.png"), maskImage);
        Path out = dir.resolve("out.png");
        String err = stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "a fox", "--steps", "4", "--seed", "6", "--init-image", init.toString(), "--mask",
                mask.toString(), "--out", out.toString())).isZero());
        assertThat(err).contains("inpaint, seed 6");
        BufferedImage result = ImageIO.read(out.toFile());
        boolean leftChanged = false;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int a = source.getRGB(x, y);
                int b = result.getRGB(x, y);
                int diff = 0;
                for (int shift = 0; shift < 24; shift += 8) {
                    diff = Math.max(diff, Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)));
                }
                if (x >= 32) {
                    assertThat(diff).as("pixel %d,%d outside the mask", x, y).isLessThanOrEqualTo(1);
                } else if (diff > 1) {
                    leftChanged = true;
                }
            }
        }
        assertThat(leftChanged).as("the masked half is repainted").isTrue();
    }

    @Test
    void badEditingOptionsAreNamed(@TempDir Path dir) throws IOException {
        Path init = write(dir.resolve("init.png"), noise(64, 64, 3));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        String out = dir.resolve("x.png").toString();
        assertThat(stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "x", "--mask", init.toString(), "--out", out)).isEqualTo(2)))
                .contains("mask applies only with --init-image FILE");
        assertThat(stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "x", "--init-image", init.toString(), "--strength", "1.5", "--out", out)).isEqualTo(2)))
                .contains("strength must be in (0, 1], got 1.5");
        assertThat(stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model(), "--provider", "cpu",
                "--prompt", "x", "--init-image", text.toString(), "--out", out)).isEqualTo(2)))
                .contains("init-image: " + text + " is not a PNG or JPEG image");
    }

    private static BufferedImage noise(int w, int h, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    private static Path write(Path file, BufferedImage image) throws IOException {
        ImageIO.write(image, "png", file.toFile());
        return file;
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

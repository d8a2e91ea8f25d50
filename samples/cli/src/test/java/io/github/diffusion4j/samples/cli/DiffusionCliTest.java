package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.image.Images;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line end to end on a tiny model. */
class DiffusionCliTest {

    private static String model(String name) {
        return Paths.get(System.getProperty("diffusion4j.testModels", "../../tools/models")).resolve(name).toString();
    }

    @Test
    void generateWritesAPngWithItsParameters(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cat.png");
        int code = DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu", "--threads", "1",
                "--prompt", "a yellow star", "--negative", "blurry", "--steps", "6", "--cfg", "5", "--seed", "11",
                "--scheduler", "dpmpp_2m", "--noise", "numpy", "--width", "64", "--height", "64", "--out", out.toString());
        assertThat(code).isZero();
        String parameters = Images.readParameters(Files.readAllBytes(out));
        assertThat(parameters).isEqualTo("a yellow star\nNegative prompt: blurry\nSteps: 6, Sampler: dpmpp_2m, CFG scale: 5,"
                + " Seed: 11, Size: 64x64, Model: optimum-new, RNG: numpy");

        // Same arguments, same bytes.
        Path again = dir.resolve("again.png");
        assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu", "--threads", "1",
                "--prompt", "a yellow star", "--negative", "blurry", "--steps", "6", "--cfg", "5", "--seed", "11",
                "--scheduler", "dpmpp_2m", "--noise", "numpy", "--width", "64", "--height", "64", "--out", again.toString(),
                "--quiet")).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(out));
    }

    @Test
    void withoutStepsAndCfgTheEmbeddedModelsRecommendationIsUsed(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("circle.png");
        int code = DiffusionCli.execute("generate", "--provider", "cpu", "--threads", "1", "--quiet",
                "--prompt", "a large red circle in the centre of a blue background", "--seed", "3", "--out", out.toString());
        assertThat(code).isZero();
        // the scenes model's model_index.json recommends 20 steps at guidance 5 (what its quality is measured at)
        assertThat(Images.readParameters(Files.readAllBytes(out)))
                .startsWith("a large red circle in the centre of a blue background\nSteps: 20, Sampler: euler, CFG scale: 5,");
    }

    @Test
    void badValuesAreReportedByName(@TempDir Path dir) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        try {
            int code = DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu",
                    "--prompt", "x", "--width", "100", "--out", dir.resolve("x.png").toString());
            assertThat(code).isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString()).contains("width must be a positive multiple of 8, got 100");
    }

    @Test
    void unknownSchedulerAndNoise(@TempDir Path dir) {
        assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu", "--prompt", "x",
                "--scheduler", "nope", "--out", dir.resolve("x.png").toString())).isEqualTo(2);
        assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu", "--prompt", "x",
                "--noise", "jax", "--out", dir.resolve("x.png").toString())).isEqualTo(2);
    }
}

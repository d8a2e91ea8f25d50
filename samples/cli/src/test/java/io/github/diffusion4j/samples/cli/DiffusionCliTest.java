package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.image.ModelHash;
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
        assertThat(parameters).isEqualTo("a yellow star\nNegative prompt: blurry\nSteps: 6, Sampler: DPM++ 2M, CFG scale: 5,"
                + " Seed: 11, Size: 64x64, Model hash: " + ModelHash.shortHash(Path.of(model("optimum-new")))
                + ", Model: optimum-new, RNG: numpy");

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
                .startsWith("a large red circle in the centre of a blue background\nSteps: 20, Sampler: Euler, CFG scale: 5,");
    }

    @Test
    void infoShowsTheFamilyAndItsSchedulers() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(DiffusionCli.execute("info", "--model", model("sdxl-base"), "--provider", "cpu")).isZero();
            assertThat(DiffusionCli.execute("info", "--model", model("flux-schnell"), "--provider", "cpu")).isZero();
        } finally {
            System.setOut(original);
        }
        String text = out.toString();
        assertThat(text).contains("family:     sdxl (Stable Diffusion XL), sizes in multiples of 16 px, guidance classifier-free")
                .contains("family:     flux (FLUX.1), sizes in multiples of 16 px, guidance none")
                .contains("schedulers: flow_match_euler, flow_match_heun");
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

    @Test
    void anExistingFileIsNotOverwrittenWithoutForce(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("keep.png");
        Files.writeString(out, "mine");
        String err = stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"),
                "--provider", "cpu", "--prompt", "x", "--steps", "2", "--out", out.toString())).isEqualTo(2));
        assertThat(err).contains("out: " + out + " already exists; pass --force to overwrite it");
        assertThat(Files.readString(out)).isEqualTo("mine");

        assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu", "--prompt", "x",
                "--steps", "2", "--out", out.toString(), "--force", "--quiet")).isZero();
        assertThat(Images.readParameters(Files.readAllBytes(out))).startsWith("x\nSteps: 2,");
    }

    @Test
    void fromPngRegeneratesTheSameImage(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.png");
        assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu", "--threads", "1",
                "--prompt", "日本 café 🙂", "--negative", "blurry, dark", "--steps", "5", "--cfg", "6.5", "--seed", "99",
                "--scheduler", "euler_a", "--noise", "numpy", "--width", "64", "--height", "48", "--quiet",
                "--out", first.toString())).isZero();
        assertThat(Images.readParameters(Files.readAllBytes(first))).contains("Sampler: Euler a", "Size: 64x48");

        Path again = dir.resolve("again.png");
        assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu", "--threads", "1",
                "--from-png", first.toString(), "--quiet", "--out", again.toString())).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(first));

        // an option given as well overrides the PNG's value
        Path other = dir.resolve("other.png");
        assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"), "--provider", "cpu", "--threads", "1",
                "--from-png", first.toString(), "--steps", "3", "--quiet", "--out", other.toString())).isZero();
        assertThat(Images.readParameters(Files.readAllBytes(other))).contains("Steps: 3, Sampler: Euler a, CFG scale: 6.5,"
                + " Seed: 99, Size: 64x48");
    }

    @Test
    void fromPngWithoutParametersIsNamed(@TempDir Path dir) throws Exception {
        Path bare = dir.resolve("bare.png");
        Files.write(bare, Images.toPng(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), null));
        String err = stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"),
                "--from-png", bare.toString(), "--out", dir.resolve("x.png").toString())).isEqualTo(2));
        assertThat(err).contains("from-png: " + bare + " holds no 'parameters' text");
        assertThat(stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"),
                "--out", dir.resolve("x.png").toString())).isEqualTo(2)))
                .contains("prompt is required: pass --prompt TEXT or --from-png FILE");
    }

    @Test
    void withoutATerminalOnlyTheFinalProgressLineIsPrinted(@TempDir Path dir) {
        String err = stderrOf(() -> assertThat(DiffusionCli.execute("generate", "--model", model("optimum-new"),
                "--provider", "cpu", "--prompt", "x", "--steps", "4", "--scheduler", "euler", "--out", dir.resolve("x.png").toString())).isZero());
        assertThat(err).doesNotContain("\r");
        assertThat(err.lines().filter(l -> l.contains("% ["))).singleElement().asString()
                .matches("100% \\[#{24}\\] 4/4 elapsed \\d+\\.\\ds \\d+\\.\\d\\d it/s ETA 0\\.0s");
    }

    @Test
    void benchmarkTakesTheSameSizeOptionsAsGenerate() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            assertThat(DiffusionCli.execute("benchmark", "--model", model("optimum-new"), "--provider", "cpu", "--runs", "1",
                    "--warmup", "0", "--steps", "2", "--width", "32", "--height", "48", "--scheduler", "euler")).isZero();
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString()).contains("1 x 2 steps, cfg 7.5, 32x48");
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return err.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}

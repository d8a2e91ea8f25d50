package io.github.diffusion4j.samples.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory and session benchmarks run on a tiny model and report every figure (numbers are not asserted). */
class MemoryAndSessionBenchmarkTest {

    private static String model(String name) {
        return Paths.get(System.getProperty("diffusion4j.testModels", "../../tools/models")).resolve(name).toString();
    }

    @Test
    void memoryBenchmarkReportsRssBeforePeakAndAfterEachLargeRequest() {
        String out = capture(() -> assertThat(DiffusionCli.execute("memory-benchmark", "--model", model("optimum-new"),
                "--provider", "cpu", "--threads", "1", "--small", "64", "--big", "128", "--big-runs", "2", "--runs", "1"))
                .isZero());
        assertThat(out).containsPattern("MEMORY-BENCHMARK cpuArena=\\S+ small 64² 10 steps min [0-9.]+ ms before, "
                + "[0-9.]+ ms after \\| RSS before [0-9]+ MiB, peak [0-9]+ MiB, after each 128² request "
                + "[0-9]+ MiB \\([-+][0-9.]+%\\) [0-9]+ MiB \\([-+][0-9.]+%\\), after the small runs [0-9]+ MiB");
    }

    @Test
    void sessionBenchmarkReportsEachGraphOptimisedNowAndCached() {
        String out = capture(() -> assertThat(DiffusionCli.execute("session-benchmark", "--model", model("optimum-new"),
                "--rounds", "1")).isZero());
        for (String component : new String[]{"unet", "text_encoder", "vae_decoder"}) {
            assertThat(out).containsPattern("SESSION-BENCHMARK " + component
                    + " +original ALL_OPT min +[0-9.]+ ms \\| cached NO_OPT min +[0-9.]+ ms");
        }
    }

    private static String capture(Runnable run) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

package io.github.diffusion4j.samples.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;

import static org.assertj.core.api.Assertions.assertThat;

/** The peer benchmark's two sides each run one JVM's worth of work and report it (numbers are not asserted). */
class PeerBenchmarkTest {

    private static String model(String name) {
        return Paths.get(System.getProperty("diffusion4j.testModels", "../../tools/models")).resolve(name).toString();
    }

    @Test
    void eachSideReportsLoadFirstImagePerImageAndPeakRss() {
        for (String side : new String[]{"raw", "pipeline"}) {
            String out = capture(() -> assertThat(DiffusionCli.execute("peer-benchmark", "--child", side, "--launch-ms",
                    Long.toString(System.currentTimeMillis()), "--model", model("optimum-new"), "--provider", "cpu",
                    "--threads", "1", "--images", "2", "--steps", "2", "--size", "64")).isZero());
            assertThat(out).as(side).containsPattern(
                    "PEER-RESULT loadMs=[0-9.]+ firstImageMs=[0-9.]+ imageMs=[0-9.]+ medianImageMs=[0-9.]+ peakRssKb=[0-9]+");
        }
    }

    @Test
    void theRawLoopNeedsAModelFolder() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(DiffusionCli.execute("peer-benchmark")).isEqualTo(2);
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--model is required");
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

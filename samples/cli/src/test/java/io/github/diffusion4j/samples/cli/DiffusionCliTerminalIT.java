package io.github.diffusion4j.samples.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runnable jar in a real pseudo-terminal: {@code java -jar diffusion4j-cli.jar generate ...} runs inside a
 * detached tmux session (its own socket), and the rendered screen is read with {@code tmux capture-pane}, so the
 * assertions see what a user sees after the carriage returns and erase-line codes, not the raw bytes.
 *
 * <p>Needs tmux ({@code tools/ci/prepare.d/30-tmux.sh} installs it): without it the test skips, except under
 * {@code CI=true}, where it fails.
 */
class DiffusionCliTerminalIT {

    private final String socket = "d4j-cli-it-" + ProcessHandle.current().pid();

    @AfterEach
    void killTmuxServer() throws Exception {
        tmux("kill-server");
    }

    @Test
    void theProgressLineIsRewrittenInPlaceAndEndsAt100Percent(@TempDir Path dir) throws Exception {
        boolean tmux = Files.isExecutable(Paths.get("/usr/bin/tmux"));
        if (!tmux && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("tmux is missing: tools/ci/prepare.d/30-tmux.sh installs it");
        }
        Assumptions.assumeTrue(tmux, "tmux is not installed (tools/ci/prepare.d/30-tmux.sh installs it)");
        Path jar = Paths.get(System.getProperty("diffusion4j.cliJar", "target/diffusion4j-cli.jar"));
        Path model = Paths.get(System.getProperty("diffusion4j.testModels", "../../tools/models")).resolve("optimum-new");
        Path out = dir.resolve("star.png");
        String command = String.join(" ", List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString(), "generate", "--model", model.toAbsolutePath().toString(),
                "--provider", "cpu", "--threads", "1", "--prompt", "'a yellow star'", "--steps", "12",
                "--scheduler", "euler", "--seed", "5", "--out", out.toString()))
                + "; echo EXIT=$?; sleep 60";
        tmux("new-session", "-d", "-x", "100", "-y", "30", "-s", "cli", "-e", "TERM=xterm-256color", command);

        String screen = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!screen.contains("EXIT=") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            screen = tmux("capture-pane", "-p", "-t", "cli");
        }
        assertThat(screen).as(screen).contains("EXIT=0");
        List<String> progress = screen.lines().filter(l -> l.contains("% [")).toList();
        // one line, rewritten in place for every step; nothing left over after it
        assertThat(progress).as(screen).singleElement().asString()
                .matches("100% \\[#{24}\\] 12/12 elapsed \\d+\\.\\ds \\d+\\.\\d\\d it/s ETA 0\\.0s");
        assertThat(screen).contains("seed 5, 64x64, 12 steps, euler on cpu", out.toString(), "done in ");
        assertThat(Files.size(out)).isPositive();
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/tmux", "-L", socket));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return output;
    }
}

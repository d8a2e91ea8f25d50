package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.GenerationEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress line's text and how it is written on and off a terminal. */
class TerminalProgressTest {

    private static GenerationEvent.Step step(int index, int total, Duration elapsed) {
        return new GenerationEvent.Step(index, total, 999, OptionalDouble.empty(), elapsed, Duration.ofMillis(100), null);
    }

    @Test
    void lineHasBarStepsElapsedSpeedAndEta() {
        assertThat(TerminalProgress.render(step(5, 20, Duration.ofMillis(2500))))
                .isEqualTo(" 25% [######..................] 5/20 elapsed 2.5s 2.00 it/s ETA 7.5s");
        assertThat(TerminalProgress.render(step(20, 20, Duration.ofSeconds(125))))
                .isEqualTo("100% [########################] 20/20 elapsed 2m05s 0.16 it/s ETA 0.0s");
        assertThat(TerminalProgress.duration(Duration.ofMinutes(62))).isEqualTo("1h02m");
    }

    @Test
    void onATerminalEachStepRewritesTheLineAndErasesWhatIsLeft() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        progress.step(step(1, 2, Duration.ofSeconds(1)));
        progress.step(step(2, 2, Duration.ofSeconds(2)));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "\r 50% [############............] 1/2 elapsed 1.0s 1.00 it/s ETA 1.0s\u001b[K"
                        + "\r100% [########################] 2/2 elapsed 2.0s 1.00 it/s ETA 0.0s\u001b[K\n");
    }

    @Test
    void offATerminalOnlyTheLastLineIsWritten() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        progress.step(step(1, 2, Duration.ofSeconds(1)));
        progress.step(step(2, 2, Duration.ofSeconds(2)));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("100% [########################] 2/2 elapsed 2.0s 1.00 it/s ETA 0.0s" + System.lineSeparator());
    }
}

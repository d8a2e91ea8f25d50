package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.GenerationEvent;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The step progress line on stderr: bar, steps, elapsed time, it/s and ETA.
 *
 * <p>On a terminal each step rewrites the line in place ({@code \r}, the line, then ANSI "erase to end of line" so a
 * shorter line leaves no leftovers) and the last step ends it with a newline; elsewhere (a pipe, a CI log) only the
 * final line is printed, once. Timings come from the step events themselves ({@link GenerationEvent.Step#elapsed()},
 * the SDK's ETA), so it/s is exact even for sub-second runs. {@code me.tongfei:progressbar} was tried and not taken:
 * its 0.10.1 computes it/s over whole elapsed seconds ({@code "?it/s"} under one second), shows only H:MM:SS and
 * redraws from its own timer thread.
 */
final class TerminalProgress {

    static final int BAR_WIDTH = 24;
    private static final String ERASE_TO_END_OF_LINE = "\u001b[K";

    private final PrintStream out;
    private final boolean interactive;

    TerminalProgress(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Whether stderr most likely is a terminal: the JVM has a console, and TERM is set and not {@code dumb}. */
    static boolean stderrIsTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.isEmpty() && !term.equals("dumb");
    }

    void step(GenerationEvent.Step step) {
        boolean last = step.index() == step.total();
        if (interactive) {
            out.print("\r" + render(step) + ERASE_TO_END_OF_LINE + (last ? "\n" : ""));
            out.flush();
        } else if (last) {
            out.println(render(step));
        }
    }

    /** One line, at most 79 columns: {@code  45% [##########..............] 9/20 elapsed 1.2s 7.50 it/s ETA 1.5s}. */
    static String render(GenerationEvent.Step step) {
        int filled = (int) Math.floor(step.progress() * BAR_WIDTH);
        StringBuilder sb = new StringBuilder(80);
        sb.append(String.format(Locale.ROOT, "%3d%% [", (int) Math.floor(step.progress() * 100)));
        sb.append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        double seconds = step.elapsed().toNanos() / 1e9;
        sb.append(step.index()).append('/').append(step.total())
                .append(" elapsed ").append(duration(step.elapsed()))
                .append(String.format(Locale.ROOT, " %.2f it/s", seconds > 0 ? step.index() / seconds : 0.0))
                .append(" ETA ").append(duration(step.eta()));
        return sb.toString();
    }

    /** {@code 0.4s}, {@code 12.3s}, {@code 2m05s}, {@code 1h02m}. */
    static String duration(Duration d) {
        double seconds = d.toNanos() / 1e9;
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}

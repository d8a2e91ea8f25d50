package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.GenerationEvent;

import java.util.Locale;

/** A one-line terminal progress bar for step events. */
final class ProgressBar {

    private ProgressBar() {
    }

    static String render(GenerationEvent.Step step, int width) {
        int filled = (int) Math.round(step.progress() * width);
        StringBuilder sb = new StringBuilder(width + 48);
        sb.append('[');
        for (int i = 0; i < width; i++) {
            sb.append(i < filled ? '#' : '.');
        }
        sb.append("] ");
        sb.append(String.format(Locale.ROOT, "%3d%% %d/%d  %.0f ms/it  ETA %.1fs", Math.round(step.progress() * 100),
                step.index(), step.total(), step.stepDuration().toNanos() / 1e6, step.eta().toNanos() / 1e9));
        return sb.toString();
    }
}

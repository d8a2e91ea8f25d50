package io.github.diffusion4j.samples.cli;

import io.github.diffusion4j.pipeline.HiresFix;
import picocli.CommandLine.Option;

/** {@code generate}'s hires-fix options: a two-pass generation, upscaled then refined (the SDK's {@link HiresFix}). */
final class HiresOptions {

    @Option(names = "--hires-scale", paramLabel = "X", description = "Hires fix: generate at --width x --height, upscale"
            + " by X (1 to 4), refine at that size.")
    Double scale;

    @Option(names = "--hires-width", paramLabel = "PX", description = "Hires fix to this width (instead of"
            + " --hires-scale; with --hires-height, or alone to keep the aspect ratio).")
    Integer width;

    @Option(names = "--hires-height", paramLabel = "PX", description = "Hires fix to this height.")
    Integer height;

    @Option(names = "--hires-strength", paramLabel = "S", description = "Hires fix second-pass denoising strength, in"
            + " (0, 1] (default: 0.7).")
    Double strength;

    @Option(names = "--hires-steps", paramLabel = "N", description = "Hires fix second-pass steps (default: 0 = --steps).")
    Integer steps;

    @Option(names = "--hires-upscaler", paramLabel = "NAME", description = "Hires fix upscaler: latent-bilinear"
            + " (default, A1111 'Latent'), latent-nearest, latent-bicubic, lanczos, bicubic.")
    String upscaler;

    @Option(names = "--hires-scheduler", paramLabel = "NAME", description = "Hires fix second-pass scheduler"
            + " (default: --scheduler).")
    String scheduler;

    /** The hires fix the options ask for, {@code base} (from a PNG) with them applied, or {@code null}. */
    HiresFix toHiresFix(HiresFix base) {
        boolean target = scale != null || width != null || height != null;
        if (!target && base == null) {
            if (strength != null || steps != null || upscaler != null || scheduler != null) {
                throw new IllegalArgumentException("the --hires-* options need --hires-scale X or --hires-width/"
                        + "--hires-height PX");
            }
            return null;
        }
        HiresFix fix = base != null ? base : HiresFix.scale(2);
        if (target) {
            fix = new HiresFix(scale != null ? scale : 1, width, height, fix.upscaler(), fix.strength(), fix.steps(),
                    fix.scheduler());
        }
        if (upscaler != null) {
            fix = fix.withUpscaler(HiresFix.Upscaler.parse(upscaler).orElseThrow(() -> new IllegalArgumentException(
                    "hires-upscaler must be one of [" + HiresFix.Upscaler.names() + "], got '" + upscaler + "'")));
        }
        if (strength != null) {
            fix = fix.withStrength(strength);
        }
        if (steps != null) {
            fix = fix.withSteps(steps);
        }
        return scheduler != null ? fix.withScheduler(scheduler) : fix;
    }
}

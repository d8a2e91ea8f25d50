package io.github.diffusion4j.pipeline;

/**
 * Where in the schedule classifier-free guidance applies, as fractions of the steps: guidance runs for step {@code i}
 * of {@code n} (0-based) when {@code start ≤ i / n < end}, and the other steps run the denoiser on the conditional
 * rows only — half the work. After Kynkäänniemi et al. 2024, "Applying Guidance in a Limited Interval Improves Sample
 * and Distribution Quality in Diffusion Models" (guidance is harmful early, at high noise, and unnecessary late), and
 * A1111's "negative guidance minimum sigma" (skip the unconditional pass in the last steps).
 *
 * @param start first fraction of the schedule with guidance, in [0, 1)
 * @param end   fraction where guidance stops, in (start, 1]
 */
public record GuidanceInterval(double start, double end) {

    /** Guidance on every step: the default. */
    public static final GuidanceInterval ALWAYS = new GuidanceInterval(0, 1);

    public GuidanceInterval {
        if (!(start >= 0) || !(start < 1) || !(end > start) || !(end <= 1)) {
            throw new IllegalArgumentException("guidanceInterval must satisfy 0 <= start < end <= 1, got [" + start
                    + ", " + end + ")");
        }
    }

    /** Whether step {@code step} (0-based) of {@code steps} is guided. */
    public boolean guides(int step, int steps) {
        double at = (double) step / steps;
        return at >= start && at < end;
    }
}

package io.github.diffusion4j.scheduler;

import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * What {@link Scheduler#setTimesteps(TimestepPlan)} builds a schedule from: the number of steps and, as diffusers'
 * pipelines pass them, optional custom {@code sigmas} or {@code timesteps} ({@code retrieve_timesteps} in
 * {@code pipeline_stable_diffusion.py}), the dynamic-shifting {@code mu} of FLUX.1 ({@code pipeline_flux.py}) and
 * the image-to-image {@code strength} ({@code get_timesteps} in {@code pipeline_stable_diffusion_img2img.py}).
 * <p>
 * With a strength, {@code init = min(int(steps * strength), steps)} steps run: the schedule is built for all
 * {@code steps} and entered at index {@code (steps - init) * order} (diffusers' {@code set_begin_index}).
 *
 * @param steps      number of inference steps; with custom sigmas or timesteps, their count
 * @param sigmas     custom sigmas, largest first, or {@code null}
 * @param timesteps  custom timesteps, largest first, or {@code null}
 * @param mu         the dynamic-shifting parameter, or empty
 * @param strength   image-to-image strength in (0, 1], or empty for a full schedule
 */
public record TimestepPlan(int steps, double[] sigmas, double[] timesteps, OptionalDouble mu,
                           OptionalDouble strength) {

    public TimestepPlan {
        if (sigmas != null && timesteps != null) {
            throw new IllegalArgumentException("sigmas and timesteps cannot both be given; pick one");
        }
        if (sigmas != null) {
            sigmas = checkedValues("sigmas", sigmas);
            steps = sigmas.length;
        }
        if (timesteps != null) {
            timesteps = checkedValues("timesteps", timesteps);
            steps = timesteps.length;
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        mu = mu == null ? OptionalDouble.empty() : mu;
        strength = strength == null ? OptionalDouble.empty() : strength;
        if (mu.isPresent() && !Double.isFinite(mu.getAsDouble())) {
            throw new IllegalArgumentException("mu must be a finite number, got " + mu.getAsDouble());
        }
        if (strength.isPresent()) {
            double s = strength.getAsDouble();
            if (!(s > 0 && s <= 1)) {
                throw new IllegalArgumentException("strength must be in (0, 1], got " + s);
            }
            if ((int) (steps * s) < 1) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "strength %s with %d steps runs no step (int(steps * strength) = 0); raise strength or"
                                + " steps", s, steps));
            }
        }
    }

    /** A full schedule of {@code steps} steps. */
    public static TimestepPlan of(int steps) {
        return new TimestepPlan(steps, null, null, OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** Custom sigmas, largest first (e.g. FLUX's {@code linspace(1, 1/steps, steps)}); steps = their count. */
    public static TimestepPlan ofSigmas(double... sigmas) {
        return new TimestepPlan(0, sigmas, null, OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** Custom timesteps, largest first; steps = their count. */
    public static TimestepPlan ofTimesteps(double... timesteps) {
        return new TimestepPlan(0, null, timesteps, OptionalDouble.empty(), OptionalDouble.empty());
    }

    /** This plan with the dynamic-shifting {@code mu}. */
    public TimestepPlan withMu(double mu) {
        return new TimestepPlan(steps, sigmas, timesteps, OptionalDouble.of(mu), strength);
    }

    /** This plan entered part-way for image-to-image: {@code strength} in (0, 1]. */
    public TimestepPlan withStrength(double strength) {
        return new TimestepPlan(steps, sigmas, timesteps, mu, OptionalDouble.of(strength));
    }

    @Override
    public double[] sigmas() {
        return sigmas == null ? null : sigmas.clone();
    }

    @Override
    public double[] timesteps() {
        return timesteps == null ? null : timesteps.clone();
    }

    /** diffusers' {@code t_start}: the number of leading steps image-to-image skips (0 without a strength). */
    public int skippedSteps() {
        if (strength.isEmpty()) {
            return 0;
        }
        int init = Math.min((int) (steps * strength.getAsDouble()), steps);
        return Math.max(steps - init, 0);
    }

    private static double[] checkedValues(String field, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(field + " must be finite numbers, got " + v);
            }
        }
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimestepPlan p && steps == p.steps && Arrays.equals(sigmas, p.sigmas)
                && Arrays.equals(timesteps, p.timesteps) && mu.equals(p.mu) && strength.equals(p.strength);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * steps + Arrays.hashCode(sigmas)) + Arrays.hashCode(timesteps) + mu.hashCode()
                + strength.hashCode();
    }

    @Override
    public String toString() {
        return "TimestepPlan[steps=" + steps + (sigmas != null ? ", sigmas=" + Arrays.toString(sigmas) : "")
                + (timesteps != null ? ", timesteps=" + Arrays.toString(timesteps) : "")
                + (mu.isPresent() ? ", mu=" + mu.getAsDouble() : "")
                + (strength.isPresent() ? ", strength=" + strength.getAsDouble() : "") + "]";
    }
}

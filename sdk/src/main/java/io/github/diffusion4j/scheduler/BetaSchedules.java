package io.github.diffusion4j.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * The training noise schedule: betas for each beta_schedule and their cumulative alphas, with torch's float32
 * rounding at every stage (scheduling_ddpm.py / scheduling_ddim.py: betas, betas_for_alpha_bar,
 * rescale_zero_terminal_snr). The integer timesteps and the sigma interpolation depend on these exact values.
 */
final class BetaSchedules {

    static final List<String> BETA_SCHEDULES = List.of("linear", "scaled_linear", "squaredcos_cap_v2");

    private BetaSchedules() {
    }

    /**
     * The settings every scheduler reads to build its training noise schedule. Defaults are the same in all ported
     * diffusers classes (1000 steps, linear 1e-4 .. 0.02).
     */
    static float[] alphasCumprod(SchedulerConfig config, boolean sigmoidAllowed, boolean rescaleAllowed) {
        float[] betas = betas(config, sigmoidAllowed);
        if (rescaleAllowed && config.getBoolean("rescale_betas_zero_snr", false)) {
            betas = rescaleZeroTerminalSnr(betas);
        }
        return cumprod(betas);
    }

    static int numTrainTimesteps(SchedulerConfig config) {
        double[] trained = config.getDoubleArray("trained_betas");
        int fallback = trained != null ? trained.length : 1000;
        int n = config.getInt("num_train_timesteps", fallback);
        if (n < 1) {
            throw new IllegalArgumentException("Scheduler config 'num_train_timesteps' must be >= 1, got " + n);
        }
        if (trained != null && trained.length != n) {
            throw new IllegalArgumentException("Scheduler config 'trained_betas' has " + trained.length
                    + " values but 'num_train_timesteps' is " + n);
        }
        return n;
    }

    private static float[] betas(SchedulerConfig config, boolean sigmoidAllowed) {
        int n = numTrainTimesteps(config);
        double[] trained = config.getDoubleArray("trained_betas");
        if (trained != null) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) trained[i];
            }
            return out;
        }
        double start = config.getDouble("beta_start", 0.0001);
        double end = config.getDouble("beta_end", 0.02);
        List<String> allowed = new ArrayList<>(BETA_SCHEDULES);
        if (sigmoidAllowed) {
            allowed.add("sigmoid");
        }
        String schedule = config.getEnum("beta_schedule", "linear", allowed);
        switch (schedule) {
            case "linear":
                return ArrayMath.torchLinspace((float) start, (float) end, n);
            case "scaled_linear": {
                // scheduling_ddpm.py: linspace of the square roots in float32, squared in float32.
                float[] roots = ArrayMath.torchLinspace((float) Math.pow(start, 0.5), (float) Math.pow(end, 0.5), n);
                for (int i = 0; i < n; i++) {
                    roots[i] = roots[i] * roots[i];
                }
                return roots;
            }
            case "squaredcos_cap_v2":
                return betasForAlphaBar(n);
            default: {
                // scheduling_ddpm.py "sigmoid" (GeoDiff): float32 sigmoid of linspace(-6, 6), scaled to [start, end].
                float[] x = ArrayMath.torchLinspace(-6f, 6f, n);
                float scale = (float) (end - start);
                float offset = (float) start;
                for (int i = 0; i < n; i++) {
                    float s = (float) (1.0 / (1.0 + Math.exp(-(double) x[i])));
                    float scaled = s * scale;
                    x[i] = scaled + offset;
                }
                return x;
            }
        }
    }

    /** scheduling_ddpm.py betas_for_alpha_bar (cosine): computed in Python floats, stored as float32. */
    private static float[] betasForAlphaBar(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            out[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }
        return out;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** scheduling_ddim.py rescale_zero_terminal_snr (arXiv 2305.08891, Algorithm 1), all in float32 like torch. */
    private static float[] rescaleZeroTerminalSnr(float[] betas) {
        int n = betas.length;
        float[] cum = cumprod(betas);
        float[] root = new float[n];
        for (int i = 0; i < n; i++) {
            root[i] = (float) Math.sqrt(cum[i]);
        }
        float first = root[0];
        float last = root[n - 1];
        float scale = first / (first - last);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float shifted = (root[i] - last) * scale;
            bar[i] = shifted * shifted;
        }
        float[] out = new float[n];
        out[0] = 1f - bar[0];
        for (int i = 1; i < n; i++) {
            out[i] = 1f - bar[i] / bar[i - 1];
        }
        return out;
    }

    /** alphas = 1 - betas in float32, then torch.cumprod, which accumulates float32 input in double. */
    private static float[] cumprod(float[] betas) {
        float[] out = new float[betas.length];
        double acc = 1.0;
        for (int i = 0; i < betas.length; i++) {
            acc *= 1f - betas[i];
            out[i] = (float) acc;
        }
        return out;
    }

    /**
     * The config with a scheduler's own beta defaults where it has no key (diffusers' LCM, Heun and KDPM2 classes
     * default to 0.00085 .. 0.012 rather than DDPM's 1e-4 .. 0.02); a config with trained_betas is left alone.
     */
    static SchedulerConfig withBetaDefaults(SchedulerConfig config, String schedule, double start, double end) {
        SchedulerConfig c = config == null ? SchedulerConfig.empty() : config;
        if (c.has("trained_betas")) {
            return c;
        }
        c = c.has("beta_schedule") ? c : c.with("beta_schedule", schedule);
        c = c.has("beta_start") ? c : c.with("beta_start", start);
        return c.has("beta_end") ? c : c.with("beta_end", end);
    }
}

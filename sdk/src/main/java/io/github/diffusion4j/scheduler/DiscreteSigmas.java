package io.github.diffusion4j.scheduler;

/**
 * The schedule of diffusers' k-diffusion style discrete schedulers ({@code scheduling_heun_discrete.py},
 * {@code scheduling_k_dpm_2_discrete.py}, {@code scheduling_k_dpm_2_ancestral_discrete.py} set_timesteps): float
 * timesteps for the spacing, sigmas interpolated on the training sigmas in float64, optionally replaced by a Karras or
 * exponential ramp between the interpolated extremes with timesteps mapped back by {@code _sigma_to_t}.
 *
 * @param timesteps the timesteps (float32 values), one per inference step
 * @param sigmas    the sigmas (float64, before diffusers' float32 cast), one per inference step
 */
record DiscreteSigmas(double[] timesteps, double[] sigmas) {

    /** The {@code use_*_sigmas} ramp a config selects. */
    enum Ramp { NONE, KARRAS, EXPONENTIAL }

    /** Reads {@code use_karras_sigmas} / {@code use_exponential_sigmas}; {@code use_beta_sigmas} is refused. */
    static Ramp rampOf(SchedulerConfig config, String scheduler) {
        boolean karras = config.getBoolean("use_karras_sigmas", false);
        boolean exponential = config.getBoolean("use_exponential_sigmas", false);
        if (config.getBoolean("use_beta_sigmas", false)) {
            throw new IllegalArgumentException("Scheduler config 'use_beta_sigmas' = true is not supported by "
                    + scheduler + " here (diffusers computes it with scipy's beta quantiles); use use_karras_sigmas"
                    + " or use_exponential_sigmas");
        }
        if (karras && exponential) {
            throw new IllegalArgumentException("Scheduler config 'use_karras_sigmas' and 'use_exponential_sigmas'"
                    + " cannot both be true");
        }
        return karras ? Ramp.KARRAS : exponential ? Ramp.EXPONENTIAL : Ramp.NONE;
    }

    /**
     * @param roundKarrasTimesteps KDPM2 rounds the Karras timesteps ({@code .round()}), Heun does not
     */
    static DiscreteSigmas build(String spacing, int numTrain, int steps, int stepsOffset, float[] trainingSigmas,
                                Ramp ramp, boolean roundKarrasTimesteps) {
        double[] timesteps = Spacings.floatTimesteps(spacing, numTrain, steps, stepsOffset);
        double[] sigmas = new double[timesteps.length];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = ArrayMath.interpOnIndexGrid(timesteps[i], trainingSigmas);
        }
        if (ramp == Ramp.NONE) {
            return new DiscreteSigmas(timesteps, sigmas);
        }
        double min = sigmas[sigmas.length - 1];
        double max = sigmas[0];
        sigmas = ramp == Ramp.KARRAS ? SigmaMath.karrasSigmas(min, max, steps)
                : SigmaMath.exponentialSigmas(min, max, steps);
        float[] logSigmas = ArrayMath.logOf(trainingSigmas);
        double[] mapped = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            double t = SigmaMath.sigmaToT(sigmas[i], trainingSigmas, logSigmas);
            mapped[i] = (float) (ramp == Ramp.KARRAS && roundKarrasTimesteps ? ArrayMath.roundHalfEven(t) : t);
        }
        return new DiscreteSigmas(mapped, sigmas);
    }

    /**
     * The Karras or exponential ramp of the multistep solvers (scheduling_dpmsolver_multistep.py set_timesteps, copied
     * into DEIS, single-step DPM-Solver and UniPC) from {@code min} to {@code max}, with the integer timesteps
     * {@code _sigma_to_t} maps them back to (rounded half to even for Karras, truncated for exponential).
     */
    static DiscreteSigmas multistepRamp(Ramp ramp, double min, double max, int steps, float[] trainingSigmas) {
        double[] sigmas = ramp == Ramp.KARRAS ? SigmaMath.karrasSigmas(min, max, steps)
                : SigmaMath.exponentialSigmas(min, max, steps);
        float[] logSigmas = ArrayMath.logOf(trainingSigmas);
        double[] timesteps = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            double t = SigmaMath.sigmaToT(sigmas[i], trainingSigmas, logSigmas);
            timesteps[i] = (long) (ramp == Ramp.KARRAS ? ArrayMath.roundHalfEven(t) : t);
        }
        return new DiscreteSigmas(timesteps, sigmas);
    }

    /**
     * torch.cat([s[:1], s[1:].repeat_interleave(2), s[-1:]]): the per-evaluation layout of the second-order
     * KDPM2 schedulers, where every value after the first serves a predictor and a corrector.
     */
    static float[] expand(float[] values) {
        int n = values.length;
        float[] out = new float[2 * n];
        out[0] = values[0];
        for (int k = 1; k < n; k++) {
            out[2 * k - 1] = values[k];
            out[2 * k] = values[k];
        }
        out[2 * n - 1] = values[n - 1];
        return out;
    }

    /** torch's exp(lerp(log a, log b, 0.5)) in float32: the lerp takes its weight >= 0.5 branch. */
    static float geometricMidpoint(float a, float b) {
        float start = (float) Math.log(a);
        float end = (float) Math.log(b);
        return (float) Math.exp(end - (end - start) * 0.5f);
    }

    /** The sigmas of this schedule followed by the final 0, in float32. */
    float[] withFinalZero() {
        float[] out = new float[sigmas.length + 1];
        for (int i = 0; i < sigmas.length; i++) {
            out[i] = (float) sigmas[i];
        }
        return out;
    }
}

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
}

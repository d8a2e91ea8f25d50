package io.github.diffusion4j.scheduler;

import java.util.OptionalDouble;

/**
 * The step bookkeeping diffusers' sigma-space schedulers share ({@code _step_index}, {@code index_for_timestep},
 * {@code _init_step_index} in {@code scheduling_euler_discrete.py} and its copies).
 * <p>
 * The first {@code scaleModelInput}/{@code step} call locates its timestep in the schedule (so a loop may start
 * mid-schedule, as img2img does); after that each call must pass the timestep at the current step index, and
 * {@code step} advances it. Deviations fail loudly instead of silently using the wrong sigma.
 */
final class SigmaState {

    private final String scheduler;
    private double[] timesteps;
    private float[] sigmas;
    private boolean leadingInitSigma;
    private int stepIndex = -1;

    SigmaState(String scheduler) {
        this.scheduler = scheduler;
    }

    void reset(double[] timesteps, float[] sigmas, boolean leadingInitSigma) {
        this.timesteps = timesteps;
        this.sigmas = sigmas;
        this.leadingInitSigma = leadingInitSigma;
        this.stepIndex = -1;
    }

    boolean isSet() {
        return timesteps != null;
    }

    double[] timesteps() {
        requireSet();
        return timesteps.clone();
    }

    int length() {
        requireSet();
        return timesteps.length;
    }

    double sigma(int index) {
        return sigmas[index];
    }

    float[] sigmas() {
        return sigmas;
    }

    /**
     * init_noise_sigma: the largest sigma, or sqrt(max^2 + 1) for "leading" spacing (diffusers' rule). Before
     * {@code setTimesteps} diffusers uses the full training schedule, and so does this.
     */
    double initNoiseSigma(float[] trainingSigmas, boolean leading) {
        double max = SchedulerSupport.max(sigmas != null ? sigmas : trainingSigmas);
        boolean useLeading = sigmas != null ? leadingInitSigma : leading;
        return useLeading ? Math.sqrt(max * max + 1) : max;
    }

    /** Validates {@code timestep} against the step counter (initialising it on first use) and returns the index. */
    int enterStep(double timestep) {
        requireSet();
        if (stepIndex < 0) {
            stepIndex = SchedulerSupport.indexForTimestep(timesteps, timestep);
        } else if (stepIndex >= timesteps.length) {
            throw new IllegalStateException(scheduler + ": all " + timesteps.length
                    + " steps are done; call setTimesteps again to start a new generation");
        } else if (timesteps[stepIndex] != timestep) {
            throw new IllegalArgumentException(scheduler + ": expected timestep " + timesteps[stepIndex]
                    + " at step " + stepIndex + ", got " + timestep);
        }
        return stepIndex;
    }

    int stepIndex() {
        return stepIndex;
    }

    void finishStep() {
        stepIndex++;
    }

    /**
     * sample / sqrt(sigma^2 + 1), the k-diffusion input scaling, in float32 like diffusers' tensor arithmetic (the
     * latents of zero-SNR schedules are in the thousands, where float32 rounding is visible).
     */
    float[] scaleInput(float[] sample, double timestep) {
        int index = enterStep(timestep);
        float sigma = sigmas[index];
        float scale = (float) Math.sqrt(sigma * sigma + 1f);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample[i] / scale;
        }
        return out;
    }

    /** scheduling_euler_discrete.py add_noise: x + noise * sigma at the timestep's schedule position. */
    float[] addNoiseVarianceExploding(float[] original, float[] noise, double timestep) {
        SchedulerSupport.checkSameLength(noise, original);
        requireSet();
        double sigma = sigmas[SchedulerSupport.indexForTimestep(timesteps, timestep)];
        float[] out = new float[original.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (original[i] + noise[i] * sigma);
        }
        return out;
    }

    OptionalDouble sigmaAt(int index) {
        if (sigmas == null || index < 0 || index >= sigmas.length) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(sigmas[index]);
    }

    void requireSet() {
        if (timesteps == null) {
            throw SchedulerSupport.notSet(scheduler);
        }
    }
}

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
    private int beginIndex = -1;

    SigmaState(String scheduler) {
        this.scheduler = scheduler;
    }

    void reset(double[] timesteps, float[] sigmas, boolean leadingInitSigma) {
        this.timesteps = timesteps;
        this.sigmas = sigmas;
        this.leadingInitSigma = leadingInitSigma;
        this.stepIndex = -1;
        this.beginIndex = -1;
    }

    /** diffusers' set_begin_index: the first step starts here instead of locating its timestep (-1: locate it). */
    void setBeginIndex(int beginIndex) {
        this.beginIndex = beginIndex;
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
        double max = ArrayMath.max(sigmas != null ? sigmas : trainingSigmas);
        boolean useLeading = sigmas != null ? leadingInitSigma : leading;
        return useLeading ? Math.sqrt(max * max + 1) : max;
    }

    /** Validates {@code timestep} against the step counter (initialising it on first use) and returns the index. */
    int enterStep(double timestep) {
        requireSet();
        if (stepIndex < 0) {
            stepIndex = beginIndex >= 0 ? checkedAt(beginIndex, timestep) : SigmaMath.indexForTimestep(timesteps,
                    timestep);
        } else if (stepIndex >= timesteps.length) {
            throw new IllegalStateException(scheduler + ": all " + timesteps.length
                    + " steps are done; call setTimesteps again to start a new generation");
        } else if (timesteps[stepIndex] != timestep) {
            throw new IllegalArgumentException(scheduler + ": expected timestep " + timesteps[stepIndex]
                    + " at step " + stepIndex + ", got " + timestep);
        }
        return stepIndex;
    }

    private int checkedAt(int index, double timestep) {
        if (timesteps[index] != timestep) {
            throw new IllegalArgumentException(scheduler + ": expected timestep " + timesteps[index]
                    + " at the begin index " + index + ", got " + timestep);
        }
        return index;
    }

    /**
     * The schedule position add_noise uses for {@code timestep} (scheduling_euler_discrete.py add_noise): looked up
     * without a begin index, the current step once the loop runs, the begin index before it.
     */
    int noiseIndex(double timestep) {
        requireSet();
        if (beginIndex < 0) {
            return SigmaMath.indexForTimestep(timesteps, timestep);
        }
        return stepIndex >= 0 ? stepIndex : beginIndex;
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
        Checks.checkSameLength(noise, original);
        requireSet();
        double sigma = sigmas[noiseIndex(timestep)];
        float[] out = new float[original.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (original[i] + noise[i] * sigma);
        }
        return out;
    }

    /**
     * scheduling_flow_match_euler_discrete.py scale_noise: sigma noise + (1 - sigma) sample at the timestep's schedule
     * position, in float32 like diffusers' tensors.
     */
    float[] scaleNoiseFlow(float[] sample, float[] noise, double timestep) {
        Checks.checkSameLength(noise, sample);
        float sigma = sigmas[noiseIndex(timestep)];
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sigma * noise[i] + (1f - sigma) * sample[i];
        }
        return out;
    }

    /**
     * scheduling_dpmsolver_multistep.py add_noise: alpha_t x + sigma_t noise, alpha_t and sigma_t of the k-diffusion
     * sigma at the timestep's schedule position (_sigma_to_alpha_sigma_t).
     */
    float[] addNoiseVariancePreserving(float[] original, float[] noise, double timestep) {
        Checks.checkSameLength(noise, original);
        double kSigma = sigmas[noiseIndex(timestep)];
        double alpha = VariancePreserving.alphaOf(kSigma);
        return VariancePreserving.forwardNoise(original, noise, alpha, kSigma * alpha);
    }

    /** The sigma at {@code offset} positions past the begin index (the pipeline counts from its first step). */
    OptionalDouble sigmaAt(int offset) {
        int index = offset + Math.max(beginIndex, 0);
        if (sigmas == null || offset < 0 || index >= sigmas.length) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(sigmas[index]);
    }

    void requireSet() {
        if (timesteps == null) {
            throw Checks.notSet(scheduler);
        }
    }
}

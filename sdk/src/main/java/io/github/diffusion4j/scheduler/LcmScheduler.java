package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

/**
 * Latent Consistency Model multistep sampling (Luo et al. 2023), ported from diffusers' {@code scheduling_lcm.py}
 * ({@code LCMScheduler}, diffusers 0.40).
 * <p>
 * The schedule is a subset of the {@code original_inference_steps} (default 50) distillation timesteps
 * {@code k·i - 1}, {@code k = num_train_timesteps / original_inference_steps}, picked at
 * {@code floor(linspace(0, original_steps, steps, endpoint=False))} from the top; {@code timestep_spacing} is read by
 * diffusers' config but not used by this scheduler, and neither here. Each step computes the boundary-condition
 * scalings {@code c_skip = 0.25 / ((10 t)^2 + 0.25)}, {@code c_out = 10 t / sqrt((10 t)^2 + 0.25)} (the factor 10 is
 * {@code timestep_scaling}), the denoised sample {@code c_out x0 + c_skip x_t} (returned as
 * {@link StepOutput#predOriginalSample()}), and the next latent by noising it to the next timestep with fresh noise,
 * except at the last step, where the next latent is the denoised sample.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 0.00085, {@code beta_end}
 * 0.012, {@code beta_schedule} scaled_linear, {@code trained_betas}, {@code original_inference_steps} 50,
 * {@code clip_sample} false, {@code clip_sample_range} 1.0, {@code set_alpha_to_one} true, {@code prediction_type}
 * epsilon, {@code timestep_scaling} 10.0, {@code rescale_betas_zero_snr} false. {@code thresholding} = true is
 * rejected. Custom timesteps are accepted in the plan.
 */
public final class LcmScheduler extends ConsistencyScheduler {

    private static final double SIGMA_DATA = 0.5;

    private final boolean clipSample;
    private final double clipRange;
    private final double timestepScaling;

    public LcmScheduler(SchedulerConfig config) {
        super("lcm", config);
        SchedulerConfig c = config();
        this.clipSample = c.getBoolean("clip_sample", false);
        this.clipRange = c.getDouble("clip_sample_range", 1.0);
        this.timestepScaling = c.getDouble("timestep_scaling", 10.0);
        // Read (and validated) like the other DDPM-family keys, though LCMScheduler's schedule does not use it.
        c.getEnum("timestep_spacing", "leading", Spacings.SPACINGS);
        Checks.rejectIfTrue(c, "thresholding", "LCMScheduler");
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        requireSet();
        Checks.checkSameLength(modelOutput, sample);
        int stepIndex = enterStep(timestep);
        double[] schedule = fullTimesteps();
        int t = (int) timestep;
        int prevT = stepIndex + 1 < schedule.length ? (int) schedule[stepIndex + 1] : t;
        double alphaProd = alphasCumprod[t];
        double alphaProdPrev = prevT >= 0 ? alphasCumprod[prevT] : finalAlphaCumprod;
        double sqrtAlpha = Math.sqrt(alphaProd);
        double sqrtBeta = Math.sqrt(1 - alphaProd);
        // get_scalings_for_boundary_condition_discrete
        double scaled = t * timestepScaling;
        double cSkip = SIGMA_DATA * SIGMA_DATA / (scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        double cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA * SIGMA_DATA);
        boolean last = isLastStep(stepIndex);
        int n = sample.length;
        float[] noise = last ? null : Checks.draw(generator, n, "lcm");
        double signalPrev = Math.sqrt(alphaProdPrev);
        double noisePrev = Math.sqrt(1 - alphaProdPrev);
        float[] prev = new float[n];
        float[] denoised = new float[n];
        for (int i = 0; i < n; i++) {
            double x = sample[i];
            double m = modelOutput[i];
            double x0 = VariancePreserving.originalSample(prediction, x, m, sqrtAlpha, sqrtBeta);
            if (clipSample) {
                x0 = VariancePreserving.clip(x0, clipRange);
            }
            float d = (float) (cOut * x0 + cSkip * x);
            denoised[i] = d;
            prev[i] = last ? d : (float) (signalPrev * d + noisePrev * noise[i]);
        }
        finishStep();
        return new StepOutput(prev, denoised);
    }
}

package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import static io.github.diffusion4j.scheduler.VariancePreserving.sqrtF32;

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
        // float32 in torch's operation order, like diffusers' 0-dim tensors: alphas_cumprod[t], t * timestep_scaling
        // (an int64 timestep times a Python float gives float32), .sqrt() and ** 0.5 as float square roots
        float alphaProd = alphasCumprod[t];
        float alphaProdPrev = prevT >= 0 ? alphasCumprod[prevT] : (float) finalAlphaCumprod;
        float sqrtAlpha = sqrtF32(alphaProd);
        float sqrtBeta = sqrtF32(1f - alphaProd);
        // get_scalings_for_boundary_condition_discrete: sigma_data ** 2 is the Python float 0.25
        float scaled = (float) t * (float) timestepScaling;
        float sigmaData2 = (float) (SIGMA_DATA * SIGMA_DATA);
        float cSkip = sigmaData2 / (scaled * scaled + sigmaData2);
        float cOut = scaled / sqrtF32(scaled * scaled + sigmaData2);
        boolean last = isLastStep(stepIndex);
        int n = sample.length;
        float[] noise = last ? null : Checks.draw(generator, n, "lcm");
        float signalPrev = sqrtF32(alphaProdPrev);
        float noisePrev = sqrtF32(1f - alphaProdPrev);
        float range = (float) clipRange;
        float[] prev = new float[n];
        float[] denoised = new float[n];
        for (int i = 0; i < n; i++) {
            float x = sample[i];
            float x0 = VariancePreserving.originalSampleF32(prediction, x, modelOutput[i], sqrtAlpha, sqrtBeta);
            if (clipSample) {
                x0 = Math.min(Math.max(x0, -range), range);
            }
            float d = cOut * x0 + cSkip * x; // c_out * predicted_original_sample + c_skip * sample
            denoised[i] = d;
            prev[i] = last ? d : signalPrev * d + noisePrev * noise[i];
        }
        finishStep();
        return new StepOutput(prev, denoised);
    }

}

package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import static io.github.diffusion4j.scheduler.VariancePreserving.sqrtF32;

/**
 * Trajectory Consistency Distillation's strategic stochastic sampling (Zheng et al. 2024), ported from diffusers'
 * {@code scheduling_tcd.py} ({@code TCDScheduler}, diffusers 0.40).
 * <p>
 * The schedule is LCM's (see {@link ConsistencySchedules}). Each step predicts x0 and the noise, re-noises them to
 * the intermediate timestep {@code s = floor((1 - gamma) t_prev)}, and, with {@code gamma > 0} and except at the last
 * step, moves forward to {@code t_prev} with fresh generator noise; {@code gamma = 0} is deterministic (DDIM-like)
 * and {@code gamma = 1} multistep consistency sampling. gamma is diffusers' step argument {@code eta}, read here from
 * the config key {@code eta} (default 0.3, the TCD pipelines' value) like DDIM's eta; the step returns the predicted
 * x0 as {@link StepOutput#predOriginalSample()}.
 * <p>
 * Config keys (diffusers defaults): as {@link LcmScheduler} ({@code beta_schedule} scaled_linear 0.00085 .. 0.012,
 * {@code original_inference_steps} 50, {@code set_alpha_to_one} true, {@code prediction_type} epsilon,
 * {@code rescale_betas_zero_snr} false), plus {@code eta} in [0, 1]. {@code thresholding} = true is rejected.
 * Custom timesteps are accepted in the plan.
 */
public final class TcdScheduler extends ConsistencyScheduler {

    private final float gamma;

    public TcdScheduler(SchedulerConfig config) {
        super("tcd", config);
        SchedulerConfig c = config();
        double eta = c.getDouble("eta", 0.3);
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("Scheduler config 'eta' (TCD's gamma) must be in [0, 1], got " + eta);
        }
        this.gamma = (float) eta;
        c.getEnum("timestep_spacing", "leading", Spacings.SPACINGS);
        Checks.rejectIfTrue(c, "thresholding", "TCDScheduler");
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        requireSet();
        Checks.checkSameLength(modelOutput, sample);
        int stepIndex = enterStep(timestep);
        double[] schedule = fullTimesteps();
        int t = (int) timestep;
        int prevT = stepIndex + 1 < schedule.length ? (int) schedule[stepIndex + 1] : 0;
        // timestep_s = floor((1 - eta) * prev_timestep), a float32 product in torch.
        int s = (int) Math.floor((1f - gamma) * (float) prevT);
        // float32 in torch's operation order, like diffusers' 0-dim tensors (.sqrt() and ** 0.5 are float roots)
        float alphaT = alphasCumprod[t];
        float alphaPrev = prevT >= 0 ? alphasCumprod[prevT] : (float) finalAlphaCumprod;
        float alphaS = alphasCumprod[s];
        float sqrtAlphaT = sqrtF32(alphaT);
        float sqrtBetaT = sqrtF32(1f - alphaT);
        float sqrtAlphaS = sqrtF32(alphaS);
        float sqrtBetaS = sqrtF32(1f - alphaS);
        boolean noisy = gamma > 0 && !isLastStep(stepIndex);
        int n = sample.length;
        float[] noise = noisy ? Checks.draw(generator, n, "tcd with eta > 0") : null;
        // (alpha_prod_t_prev / alpha_prod_s).sqrt() and (1 - alpha_prod_t_prev / alpha_prod_s).sqrt()
        float forward = sqrtF32(alphaPrev / alphaS);
        float fresh = sqrtF32(1f - alphaPrev / alphaS);
        float[] prev = new float[n];
        float[] predOriginal = new float[n];
        for (int i = 0; i < n; i++) {
            float x = sample[i];
            float m = modelOutput[i];
            float x0 = VariancePreserving.originalSampleF32(prediction, x, m, sqrtAlphaT, sqrtBetaT);
            float eps = VariancePreserving.noiseF32(prediction, x, m, sqrtAlphaT, sqrtBetaT);
            float noised = sqrtAlphaS * x0 + sqrtBetaS * eps; // pred_noised_sample
            predOriginal[i] = x0;
            prev[i] = noisy ? forward * noised + fresh * noise[i] : noised;
        }
        finishStep();
        return new StepOutput(prev, predOriginal);
    }

}

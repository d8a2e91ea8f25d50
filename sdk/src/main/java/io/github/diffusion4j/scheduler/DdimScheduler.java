package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import static io.github.diffusion4j.scheduler.VariancePreserving.sqrtF32;

/**
 * DDIM (Song et al. 2020), ported from diffusers' {@code scheduling_ddim.py} ({@code DDIMScheduler}).
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code clip_sample} true, {@code clip_sample_range} 1.0,
 * {@code set_alpha_to_one} true, {@code steps_offset} 0, {@code prediction_type} epsilon,
 * {@code timestep_spacing} leading, {@code rescale_betas_zero_snr} false. {@code thresholding} = true is rejected
 * (it needs the batch shape, which flat latents do not carry).
 * <p>
 * Diffusion4j extension: {@code eta} (default 0.0), the weight of the DDIM variance noise that diffusers takes as a
 * {@code step()} argument. With {@code eta > 0} every step draws {@code sample.length} values from the generator, as
 * diffusers' {@code randn_tensor} call does.
 */
public final class DdimScheduler extends AbstractScheduler {

    private final int numTrain;
    private final float[] alphasCumprod;
    private final float finalAlphaCumprod;
    private final PredictionType prediction;
    private final String spacing;
    private final int stepsOffset;
    private final boolean clipSample;
    private final double clipRange;
    private final double eta;

    private int numInferenceSteps;

    public DdimScheduler(SchedulerConfig config) {
        super("ddim", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        this.alphasCumprod = BetaSchedules.alphasCumprod(config, false, true);
        this.finalAlphaCumprod = config.getBoolean("set_alpha_to_one", true) ? 1f : alphasCumprod[0];
        this.prediction = PredictionType.fromConfig(config, PredictionType.DIFFUSION);
        this.spacing = config.getEnum("timestep_spacing", "leading", Spacings.SPACINGS);
        this.stepsOffset = config.getInt("steps_offset", 0);
        this.clipSample = config.getBoolean("clip_sample", true);
        this.clipRange = config.getDouble("clip_sample_range", 1.0);
        this.eta = config.getDouble("eta", 0.0);
        if (eta < 0) {
            throw new IllegalArgumentException("Scheduler config 'eta' must be >= 0, got " + eta);
        }
        Checks.rejectIfTrue(config, "thresholding", "DDIMScheduler");
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        this.numInferenceSteps = steps;
        return Spacings.integerTimesteps(spacing, numTrain, steps, stepsOffset);
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        requireSet();
        Checks.checkSameLength(modelOutput, sample);
        int t = scheduledTimestep(timestep);
        // scheduling_ddim.py step: the previous timestep is always one ratio below, whatever the spacing.
        int prev = t - numTrain / numInferenceSteps;
        // float32 throughout, in torch's operation order: diffusers computes the coefficients from alphas_cumprod's
        // float32 0-dim tensors ("** 0.5" is a float sqrt, "** 2" a product) and every tensor operation rounds once
        float alphaProd = alphasCumprod[t];
        float alphaProdPrev = prev >= 0 ? alphasCumprod[prev] : finalAlphaCumprod;
        float betaProd = 1f - alphaProd;
        float sqrtAlpha = sqrtF32(alphaProd);
        float sqrtBeta = sqrtF32(betaProd);
        // _get_variance, formula (16): (beta_prod_t_prev / beta_prod_t) * (1 - alpha_prod_t / alpha_prod_t_prev)
        float variance = ((1f - alphaProdPrev) / betaProd) * (1f - alphaProd / alphaProdPrev);
        float std = (float) eta * sqrtF32(variance);
        // formula (12): (1 - alpha_prod_t_prev - std_dev_t**2) ** 0.5 * pred_epsilon
        float directionCoeff = sqrtF32(1f - alphaProdPrev - std * std);
        float sqrtAlphaPrev = sqrtF32(alphaProdPrev);
        float range = (float) clipRange;

        int n = sample.length;
        float[] prevSample = new float[n];
        float[] predOriginal = new float[n];
        float[] noise = eta > 0 ? Checks.draw(generator, n, "DDIM with eta > 0") : null;
        for (int i = 0; i < n; i++) {
            float x = sample[i];
            float m = modelOutput[i];
            float x0 = VariancePreserving.originalSampleF32(prediction, x, m, sqrtAlpha, sqrtBeta);
            float eps = VariancePreserving.noiseF32(prediction, x, m, sqrtAlpha, sqrtBeta);
            if (clipSample) {
                x0 = Math.min(Math.max(x0, -range), range); // pred_original_sample.clamp(-range, range)
            }
            float out = sqrtAlphaPrev * x0 + directionCoeff * eps;
            if (noise != null) {
                out += std * noise[i]; // prev_sample + std_dev_t * variance_noise
            }
            prevSample[i] = out;
            predOriginal[i] = x0;
        }
        return new StepOutput(prevSample, predOriginal);
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, double timestep) {
        Checks.checkSameLength(noise, original);
        return VariancePreserving.forwardNoise(alphasCumprod, original, noise, trainingIndex(timestep));
    }

    @Override
    public PredictionType predictionType() {
        return prediction;
    }

    private int scheduledTimestep(double timestep) {
        SigmaMath.indexForTimestep(fullTimesteps(), timestep);
        return trainingIndex(timestep);
    }

    private int trainingIndex(double timestep) {
        if (timestep != Math.rint(timestep) || timestep < 0 || timestep >= numTrain) {
            throw new IllegalArgumentException("Timestep " + timestep + " is not an integer in [0, " + numTrain + ")");
        }
        return (int) timestep;
    }
}

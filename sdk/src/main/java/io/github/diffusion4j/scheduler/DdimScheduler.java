package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

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
    private final double finalAlphaCumprod;
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
        this.finalAlphaCumprod = config.getBoolean("set_alpha_to_one", true) ? 1.0 : alphasCumprod[0];
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
        double alphaProd = alphaAt(t);
        double alphaProdPrev = prev >= 0 ? alphaAt(prev) : finalAlphaCumprod;
        double betaProd = 1 - alphaProd;
        double sqrtAlpha = Math.sqrt(alphaProd);
        double sqrtBeta = Math.sqrt(betaProd);

        // Formula (16): sigma_t(eta); formula (12) for the deterministic part.
        double variance = ((1 - alphaProdPrev) / betaProd) * (1 - alphaProd / alphaProdPrev);
        double std = eta * Math.sqrt(variance);
        double directionCoeff = Math.sqrt(1 - alphaProdPrev - std * std);
        double sqrtAlphaPrev = Math.sqrt(alphaProdPrev);

        int n = sample.length;
        float[] prevSample = new float[n];
        float[] predOriginal = new float[n];
        float[] noise = eta > 0 ? Checks.draw(generator, n, "DDIM with eta > 0") : null;
        for (int i = 0; i < n; i++) {
            double x = sample[i];
            double m = modelOutput[i];
            double x0 = VariancePreserving.originalSample(prediction, x, m, sqrtAlpha, sqrtBeta);
            double eps = VariancePreserving.noise(prediction, x, m, sqrtAlpha, sqrtBeta);
            if (clipSample) {
                x0 = VariancePreserving.clip(x0, clipRange);
            }
            double out = sqrtAlphaPrev * x0 + directionCoeff * eps;
            if (noise != null) {
                out += std * noise[i];
            }
            prevSample[i] = (float) out;
            predOriginal[i] = (float) x0;
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

    private double alphaAt(int t) {
        return alphasCumprod[t];
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

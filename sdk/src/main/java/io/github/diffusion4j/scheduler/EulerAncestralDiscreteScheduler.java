package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.List;

/**
 * Ancestral sampling with Euler steps, ported from diffusers' {@code scheduling_euler_ancestral_discrete.py}
 * ({@code EulerAncestralDiscreteScheduler}). Every step, the last included, draws {@code sample.length} values from
 * the generator, as diffusers' {@code randn_tensor} call does.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code prediction_type} epsilon (or v_prediction; diffusers
 * does not implement "sample" for this scheduler), {@code timestep_spacing} linspace, {@code steps_offset} 0,
 * {@code rescale_betas_zero_snr} false. diffusers' class has no Karras option, so, as with {@code from_config}, a
 * {@code use_karras_sigmas} key is ignored.
 */
public final class EulerAncestralDiscreteScheduler extends SigmaSpaceScheduler {

    private final int numTrain;
    private final float[] trainingSigmas;
    private final PredictionType prediction;
    private final String spacing;
    private final int stepsOffset;


    public EulerAncestralDiscreteScheduler(SchedulerConfig config) {
        super("euler_a", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        float[] alphasCumprod = BetaSchedules.alphasCumprod(config, false, true);
        if (config.getBoolean("rescale_betas_zero_snr", false)) {
            // Close to zero without being zero, so the first sigma stays finite (diffusers uses 2^-24).
            alphasCumprod[numTrain - 1] = (float) Math.pow(2, -24);
        }
        this.trainingSigmas = SigmaMath.trainingSigmas(alphasCumprod);
        this.prediction = PredictionType.fromConfig(config, PredictionType.EPSILON_OR_V);
        this.spacing = config.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.stepsOffset = config.getInt("steps_offset", 0);
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        double[] timesteps = Spacings.floatTimesteps(spacing, numTrain, steps, stepsOffset);
        float[] sigmas = new float[timesteps.length + 1];
        for (int i = 0; i < timesteps.length; i++) {
            sigmas[i] = (float) ArrayMath.interpOnIndexGrid(timesteps[i], trainingSigmas);
        }
        state.reset(timesteps, sigmas, "leading".equals(spacing));
        return timesteps;
    }

    @Override
    public double initNoiseSigma() {
        return state.initNoiseSigma(trainingSigmas, "leading".equals(spacing));
    }

    @Override
    public float[] scaleModelInput(float[] sample, double timestep) {
        return state.scaleInput(sample, timestep);
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        float sigmaFrom = (float) state.sigma(index);
        float sigmaTo = (float) state.sigma(index + 1);
        // Split the move to sigma_to into a deterministic part (down) and fresh noise (up). diffusers evaluates these
        // on float32 scalars; sigma_to^2 - sigma_up^2 cancels badly when sigma_from is huge (zero-SNR schedules), so
        // the float32 arithmetic is reproduced to land on the same coefficients.
        float toSquared = sigmaTo * sigmaTo;
        float fromSquared = sigmaFrom * sigmaFrom;
        float sigmaUp = (float) Math.sqrt(toSquared * (fromSquared - toSquared) / fromSquared);
        float sigmaDown = (float) Math.sqrt(toSquared - sigmaUp * sigmaUp);
        float dt = sigmaDown - sigmaFrom;
        int n = sample.length;
        float[] noise = Checks.draw(generator, n, "euler_a");
        float[] prev = new float[n];
        float[] predOriginal = new float[n];
        // Like the coefficients, the update repeats diffusers' float32 tensor arithmetic (see EulerDiscreteScheduler).
        for (int i = 0; i < n; i++) {
            float x = sample[i];
            float x0 = SigmaMath.predictOriginal(prediction, x, modelOutput[i], sigmaFrom);
            float derivative = (x - x0) / sigmaFrom;
            float deterministic = x + derivative * dt;
            prev[i] = deterministic + noise[i] * sigmaUp;
            predOriginal[i] = x0;
        }
        state.finishStep();
        return new StepOutput(prev, predOriginal);
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, double timestep) {
        return state.addNoiseVarianceExploding(original, noise, timestep);
    }

    @Override
    public PredictionType predictionType() {
        return prediction;
    }
}

package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;


/**
 * Heun's method for rectified-flow models, ported from diffusers' {@code scheduling_flow_match_heun_discrete.py}
 * ({@code FlowMatchHeunDiscreteScheduler}, diffusers 0.40): the {@link FlowMatchEulerDiscreteScheduler} schedule
 * with a static {@code shift}, and an Euler predictor plus a corrector that averages the two velocities. As with
 * {@link HeunDiscreteScheduler}, {@link #timesteps()} has one entry per model evaluation ({@code [t0, t1, t1, ...]})
 * and {@link #order()} is 2.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code shift} 1.0. diffusers' class has no
 * custom sigmas, dynamic shifting or churn options in its schedule; plans with sigmas, timesteps or mu are refused.
 */
public final class FlowMatchHeunDiscreteScheduler extends SigmaSpaceScheduler {

    private final int numTrain;
    private final double shift;
    private final double sigmaMin;
    private final double sigmaMax;

    private float[] prevDerivative;
    private float[] firstSample;
    private float dt;

    public FlowMatchHeunDiscreteScheduler(SchedulerConfig config) {
        super("flow_match_heun", config);
        this.numTrain = config.getInt("num_train_timesteps", 1000);
        if (numTrain < 1) {
            throw new IllegalArgumentException("Scheduler config 'num_train_timesteps' must be >= 1, got " + numTrain);
        }
        this.shift = config.getDouble("shift", 1.0);
        if (!(shift > 0)) {
            throw new IllegalArgumentException("Scheduler config 'shift' must be > 0, got " + shift);
        }
        this.sigmaMax = trainingSigma(numTrain);
        this.sigmaMin = trainingSigma(1);
    }

    /** __init__: linspace(1, N, N) / N in float32, shifted. */
    private float trainingSigma(int t) {
        float s = (float) t / (float) numTrain;
        float fShift = (float) shift;
        return fShift * s / (1f + (fShift - 1f) * s);
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        double[] base = ArrayMath.numpyLinspace(sigmaMax * numTrain, sigmaMin * numTrain, steps);
        float[] sigmas = new float[steps + 1];
        for (int i = 0; i < steps; i++) {
            double s = base[i] / numTrain;
            sigmas[i] = (float) (shift * s / (1 + (shift - 1) * s));
        }
        float[] expanded = new float[2 * steps];
        double[] timesteps = new double[2 * steps - 1];
        expanded[0] = sigmas[0];
        timesteps[0] = sigmas[0] * (float) numTrain;
        for (int i = 1; i < steps; i++) {
            expanded[2 * i - 1] = sigmas[i];
            expanded[2 * i] = sigmas[i];
            timesteps[2 * i - 1] = sigmas[i] * (float) numTrain;
            timesteps[2 * i] = timesteps[2 * i - 1];
        }
        expanded[2 * steps - 1] = 0f;
        state.reset(timesteps, expanded, false);
        prevDerivative = null;
        firstSample = null;
        return timesteps;
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        boolean firstOrder = firstSample == null;
        float sigma = (float) state.sigma(firstOrder ? index : index - 1);
        float sigmaNext = (float) state.sigma(firstOrder ? index + 1 : index);
        int n = sample.length;
        float[] prev = new float[n];
        float[] predOriginal = new float[n];
        if (firstOrder) {
            float[] derivative = new float[n];
            dt = sigmaNext - sigma;
            for (int i = 0; i < n; i++) {
                float denoised = sample[i] - modelOutput[i] * sigma;
                predOriginal[i] = denoised;
                derivative[i] = (sample[i] - denoised) / sigma;
                prev[i] = sample[i] + derivative[i] * dt;
            }
            prevDerivative = derivative;
            firstSample = sample.clone();
        } else {
            for (int i = 0; i < n; i++) {
                float denoised = sample[i] - modelOutput[i] * sigmaNext;
                predOriginal[i] = denoised;
                float derivative = 0.5f * (prevDerivative[i] + (sample[i] - denoised) / sigmaNext);
                prev[i] = firstSample[i] + derivative * dt;
            }
            prevDerivative = null;
            firstSample = null;
        }
        state.finishStep();
        return new StepOutput(prev, predOriginal);
    }

    @Override
    public float[] scaleNoise(float[] sample, float[] noise, double timestep) {
        return state.scaleNoiseFlow(sample, noise, timestep);
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, double timestep) {
        return scaleNoise(original, noise, timestep);
    }

    @Override
    public PredictionType predictionType() {
        return PredictionType.FLOW;
    }

    @Override
    public int order() {
        return 2;
    }
}

package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;


/**
 * Heun's method (Karras et al. 2022, Algorithm 1 without churn), ported from diffusers'
 * {@code scheduling_heun_discrete.py} ({@code HeunDiscreteScheduler}, diffusers 0.40).
 * <p>
 * Second order: every step but the last takes two model evaluations, an Euler predictor to the next sigma and a
 * corrector that averages the two slopes. As in diffusers, {@link #timesteps()} lists each evaluation
 * ({@code [t0, t1, t1, t2, t2, ...]}, {@code 2 steps - 1} entries) and {@link #step} is called once per entry;
 * {@link #order()} is 2. Predictor steps return the Euler estimate, corrector steps the corrected latent.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 0.00085, {@code beta_end}
 * 0.012, {@code beta_schedule} linear, {@code trained_betas}, {@code prediction_type} epsilon,
 * {@code use_karras_sigmas} false, {@code use_exponential_sigmas} false, {@code clip_sample} false,
 * {@code clip_sample_range} 1.0, {@code timestep_spacing} linspace, {@code steps_offset} 0. {@code use_beta_sigmas}
 * is refused.
 */
public final class HeunDiscreteScheduler extends SigmaSpaceScheduler {

    private final int numTrain;
    private final float[] trainingSigmas;
    private final PredictionType prediction;
    private final String spacing;
    private final int stepsOffset;
    private final DiscreteSigmas.Ramp ramp;
    private final boolean clipSample;
    private final float clipRange;

    private float[] prevDerivative;
    private float[] firstSample;
    private float dt;

    public HeunDiscreteScheduler(SchedulerConfig config) {
        super("heun", BetaSchedules.withBetaDefaults(config, "linear", 0.00085, 0.012));
        SchedulerConfig c = config();
        this.numTrain = BetaSchedules.numTrainTimesteps(c);
        this.trainingSigmas = SigmaMath.trainingSigmas(BetaSchedules.alphasCumprod(c, false, false));
        this.prediction = PredictionType.fromConfig(c, PredictionType.DIFFUSION);
        this.spacing = c.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.stepsOffset = c.getInt("steps_offset", 0);
        this.ramp = DiscreteSigmas.rampOf(c, "HeunDiscreteScheduler");
        this.clipSample = c.getBoolean("clip_sample", false);
        this.clipRange = (float) c.getDouble("clip_sample_range", 1.0);
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        DiscreteSigmas base = DiscreteSigmas.build(spacing, numTrain, steps, stepsOffset, trainingSigmas, ramp, false);
        // sigmas [s0, s1, s1, ..., s_{n-1}, s_{n-1}, 0]; timesteps [t0, t1, t1, ..., t_{n-1}, t_{n-1}].
        float[] sigmas = new float[2 * steps];
        double[] timesteps = new double[2 * steps - 1];
        sigmas[0] = (float) base.sigmas()[0];
        timesteps[0] = base.timesteps()[0];
        for (int i = 1; i < steps; i++) {
            sigmas[2 * i - 1] = (float) base.sigmas()[i];
            sigmas[2 * i] = (float) base.sigmas()[i];
            timesteps[2 * i - 1] = base.timesteps()[i];
            timesteps[2 * i] = base.timesteps()[i];
        }
        sigmas[2 * steps - 1] = 0f;
        state.reset(timesteps, sigmas, "leading".equals(spacing));
        prevDerivative = null;
        firstSample = null;
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
        boolean firstOrder = firstSample == null;
        float sigma = (float) state.sigma(firstOrder ? index : index - 1);
        float sigmaNext = (float) state.sigma(firstOrder ? index + 1 : index);
        float sigmaInput = firstOrder ? sigma : sigmaNext;
        int n = sample.length;
        float[] predOriginal = new float[n];
        for (int i = 0; i < n; i++) {
            float x0 = SigmaMath.predictOriginal(prediction, sample[i], modelOutput[i], sigmaInput);
            predOriginal[i] = clipSample ? Math.max(-clipRange, Math.min(clipRange, x0)) : x0;
        }
        float[] prev = new float[n];
        if (firstOrder) {
            float[] derivative = new float[n];
            dt = sigmaNext - sigma;
            for (int i = 0; i < n; i++) {
                derivative[i] = (sample[i] - predOriginal[i]) / sigma;
                prev[i] = sample[i] + derivative[i] * dt;
            }
            prevDerivative = derivative;
            firstSample = sample.clone();
        } else {
            for (int i = 0; i < n; i++) {
                float derivative = (sample[i] - predOriginal[i]) / sigmaNext;
                float averaged = (prevDerivative[i] + derivative) / 2f;
                prev[i] = firstSample[i] + averaged * dt;
            }
            prevDerivative = null;
            firstSample = null;
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

    @Override
    public int order() {
        return 2;
    }
}

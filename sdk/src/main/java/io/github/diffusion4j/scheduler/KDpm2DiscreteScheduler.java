package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;


/**
 * DPM-Solver-2 in k-diffusion's form (Karras et al. 2022, "DPM2"), ported from diffusers'
 * {@code scheduling_k_dpm_2_discrete.py} ({@code KDPM2DiscreteScheduler}, diffusers 0.40), and its ancestral
 * variant from {@code scheduling_k_dpm_2_ancestral_discrete.py} ({@code KDPM2AncestralDiscreteScheduler}).
 * <p>
 * Second order: each step evaluates the model at sigma and at the geometric midpoint towards the next sigma (the
 * ancestral variant: towards {@code sigma_down}, then adds {@code sigma_up} of generator noise). As in diffusers,
 * {@link #timesteps()} lists both evaluations ({@code 2 steps - 1} entries, the midpoints' timesteps interleaved) and
 * {@link #step} is called once per entry; {@link #order()} is 2. Predictor steps return the latent at the midpoint.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 0.00085, {@code beta_end}
 * 0.012, {@code beta_schedule} linear, {@code trained_betas}, {@code prediction_type} epsilon (or v_prediction;
 * diffusers has no sample prediction here), {@code use_karras_sigmas} false, {@code use_exponential_sigmas} false,
 * {@code timestep_spacing} linspace, {@code steps_offset} 0. {@code use_beta_sigmas} is refused.
 */
public final class KDpm2DiscreteScheduler extends SigmaSpaceScheduler {

    private final boolean ancestral;
    private final int numTrain;
    private final float[] trainingSigmas;
    private final PredictionType prediction;
    private final String spacing;
    private final int stepsOffset;
    private final DiscreteSigmas.Ramp ramp;

    private float[] interpol;
    private float[] up;
    private float[] down;
    private float[] firstSample;

    /** {@code dpm2}; {@code ancestral} = true is {@code dpm2_a}. */
    KDpm2DiscreteScheduler(SchedulerConfig config, boolean ancestral) {
        super(ancestral ? "dpm2_a" : "dpm2", BetaSchedules.withBetaDefaults(config, "linear", 0.00085, 0.012));
        this.ancestral = ancestral;
        SchedulerConfig c = config();
        String cls = ancestral ? "KDPM2AncestralDiscreteScheduler" : "KDPM2DiscreteScheduler";
        this.numTrain = BetaSchedules.numTrainTimesteps(c);
        this.trainingSigmas = SigmaMath.trainingSigmas(BetaSchedules.alphasCumprod(c, false, false));
        this.prediction = PredictionType.fromConfig(c, PredictionType.EPSILON_OR_V);
        this.spacing = c.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.stepsOffset = c.getInt("steps_offset", 0);
        this.ramp = DiscreteSigmas.rampOf(c, cls);
    }

    public KDpm2DiscreteScheduler(SchedulerConfig config) {
        this(config, false);
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        DiscreteSigmas base = DiscreteSigmas.build(spacing, numTrain, steps, stepsOffset, trainingSigmas, ramp, true);
        float[] s = base.withFinalZero();
        int n = steps;
        float[] mid = new float[n + 1];
        float[] sigmaUp = new float[n + 1];
        float[] sigmaDown = new float[n + 1];
        if (ancestral) {
            // sigma_up / sigma_down of the ancestral step to the next sigma; the midpoint is towards sigma_down.
            for (int k = 0; k < n; k++) {
                float next = s[k + 1];
                sigmaUp[k] = (float) Math.sqrt(next * next * (s[k] * s[k] - next * next) / (s[k] * s[k]));
                sigmaDown[k] = (float) Math.sqrt(next * next - sigmaUp[k] * sigmaUp[k]);
                mid[k] = k < n - 1 ? DiscreteSigmas.geometricMidpoint(s[k], sigmaDown[k]) : 0f;
            }
        } else {
            // sigmas.log().lerp(sigmas.roll(1).log(), 0.5).exp(): the midpoint towards the previous entry.
            for (int k = 1; k < n; k++) {
                mid[k] = DiscreteSigmas.geometricMidpoint(s[k], s[k - 1]);
            }
        }
        float[] logSigmas = ArrayMath.logOf(trainingSigmas);
        double[] timesteps = new double[2 * n - 1];
        timesteps[0] = base.timesteps()[0];
        for (int k = 1; k < n; k++) {
            float midpoint = ancestral ? mid[k - 1] : mid[k];
            timesteps[2 * k - 1] = (float) SigmaMath.sigmaToT(midpoint, trainingSigmas, logSigmas);
            timesteps[2 * k] = base.timesteps()[k];
        }
        state.reset(timesteps, DiscreteSigmas.expand(s), "leading".equals(spacing));
        interpol = DiscreteSigmas.expand(mid);
        up = DiscreteSigmas.expand(sigmaUp);
        down = DiscreteSigmas.expand(sigmaDown);
        firstSample = null;
        return timesteps;
    }

    @Override
    public double initNoiseSigma() {
        return state.initNoiseSigma(trainingSigmas, "leading".equals(spacing));
    }

    @Override
    public float[] scaleModelInput(float[] sample, double timestep) {
        int index = state.enterStep(timestep);
        float sigma = firstSample == null ? (float) state.sigma(index)
                : interpol[ancestral ? index - 1 : index];
        float scale = (float) Math.sqrt(sigma * sigma + 1f);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample[i] / scale;
        }
        return out;
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        boolean firstOrder = firstSample == null;
        int n = sample.length;
        float sigma = (float) state.sigma(firstOrder ? index : index - 1);
        float mid;
        float target;
        if (ancestral) {
            mid = interpol[firstOrder ? index : index - 1];
            target = firstOrder ? mid : down[index - 1];
        } else {
            mid = interpol[firstOrder ? index + 1 : index];
            target = firstOrder ? mid : (float) state.sigma(index);
        }
        float sigmaInput = firstOrder ? sigma : mid;
        float dt = target - sigma;
        float[] noise = !firstOrder && ancestral ? Checks.draw(generator, n, "dpm2_a") : null;
        float noiseScale = noise != null ? up[index - 1] : 0f;
        float[] base = firstOrder ? sample : firstSample;
        float[] prev = new float[n];
        float[] predOriginal = new float[n];
        for (int i = 0; i < n; i++) {
            float x0 = SigmaMath.predictOriginal(prediction, sample[i], modelOutput[i], sigmaInput);
            predOriginal[i] = x0;
            float derivative = (sample[i] - x0) / sigmaInput;
            float value = base[i] + derivative * dt;
            prev[i] = noise != null ? value + noise[i] * noiseScale : value;
        }
        firstSample = firstOrder ? sample.clone() : null;
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

package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.EnumSet;
import java.util.Set;

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
public final class TcdScheduler extends AbstractScheduler {

    private final int numTrain;
    private final float[] alphasCumprod;
    private final double finalAlphaCumprod;
    private final PredictionType prediction;
    private final int originalSteps;
    private final float gamma;

    private int numInferenceSteps;
    private int stepIndex = -1;
    private int beginAt = -1;

    public TcdScheduler(SchedulerConfig config) {
        super("tcd", BetaSchedules.withBetaDefaults(config, "scaled_linear", 0.00085, 0.012));
        SchedulerConfig c = config();
        this.numTrain = BetaSchedules.numTrainTimesteps(c);
        this.alphasCumprod = BetaSchedules.alphasCumprod(c, false, true);
        this.finalAlphaCumprod = c.getBoolean("set_alpha_to_one", true) ? 1.0 : alphasCumprod[0];
        this.prediction = PredictionType.fromConfig(c, PredictionType.DIFFUSION);
        this.originalSteps = ConsistencySchedules.originalSteps(c, numTrain);
        double eta = c.getDouble("eta", 0.3);
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("Scheduler config 'eta' (TCD's gamma) must be in [0, 1], got " + eta);
        }
        this.gamma = (float) eta;
        c.getEnum("timestep_spacing", "leading", Spacings.SPACINGS);
        Checks.rejectIfTrue(c, "thresholding", "TCDScheduler");
    }

    @Override
    protected Set<PlanPart> supportedPlanParts() {
        return EnumSet.of(PlanPart.TIMESTEPS);
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        stepIndex = -1;
        numInferenceSteps = plan.steps();
        return ConsistencySchedules.of(plan, numTrain, originalSteps);
    }

    @Override
    protected void onBeginIndex(int beginIndex) {
        stepIndex = -1;
        beginAt = beginIndex;
    }

    @Override
    public double initNoiseSigma() {
        return 1.0;
    }

    @Override
    public float[] scaleModelInput(float[] sample, double timestep) {
        return sample;
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        requireSet();
        Checks.checkSameLength(modelOutput, sample);
        double[] schedule = fullTimesteps();
        if (stepIndex < 0) {
            stepIndex = beginAt >= 0 ? beginAt : SigmaMath.indexForTimestep(schedule, timestep);
        }
        if (stepIndex >= schedule.length || schedule[stepIndex] != timestep) {
            throw new IllegalArgumentException("tcd: expected timestep "
                    + (stepIndex < schedule.length ? schedule[stepIndex] : "none (all steps done)") + " at step "
                    + stepIndex + ", got " + timestep);
        }
        int t = (int) timestep;
        int prevT = stepIndex + 1 < schedule.length ? (int) schedule[stepIndex + 1] : 0;
        // timestep_s = floor((1 - eta) * prev_timestep), a float32 product in torch.
        int s = (int) Math.floor((1f - gamma) * (float) prevT);
        double alphaT = alphasCumprod[t];
        double alphaPrev = prevT >= 0 ? alphasCumprod[prevT] : finalAlphaCumprod;
        double alphaS = alphasCumprod[s];
        double sqrtAlphaT = Math.sqrt(alphaT);
        double sqrtBetaT = Math.sqrt(1 - alphaT);
        double sqrtAlphaS = Math.sqrt(alphaS);
        double sqrtBetaS = Math.sqrt(1 - alphaS);
        boolean noisy = gamma > 0 && stepIndex != numInferenceSteps - 1;
        int n = sample.length;
        float[] noise = noisy ? Checks.draw(generator, n, "tcd with eta > 0") : null;
        double forward = Math.sqrt(alphaPrev / alphaS);
        double fresh = Math.sqrt(1 - alphaPrev / alphaS);
        float[] prev = new float[n];
        float[] predOriginal = new float[n];
        for (int i = 0; i < n; i++) {
            double x = sample[i];
            double m = modelOutput[i];
            double x0;
            double eps;
            switch (prediction) {
                case EPSILON -> {
                    x0 = (x - sqrtBetaT * m) / sqrtAlphaT;
                    eps = m;
                }
                case SAMPLE -> {
                    x0 = m;
                    eps = (x - sqrtAlphaT * x0) / sqrtBetaT;
                }
                default -> {
                    x0 = sqrtAlphaT * x - sqrtBetaT * m;
                    eps = sqrtAlphaT * m + sqrtBetaT * x;
                }
            }
            double noised = sqrtAlphaS * x0 + sqrtBetaS * eps;
            predOriginal[i] = (float) x0;
            prev[i] = (float) (noisy ? forward * noised + fresh * noise[i] : noised);
        }
        stepIndex++;
        return new StepOutput(prev, predOriginal);
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, double timestep) {
        Checks.checkSameLength(noise, original);
        if (timestep != Math.rint(timestep) || timestep < 0 || timestep >= numTrain) {
            throw new IllegalArgumentException("Timestep " + timestep + " is not an integer in [0, " + numTrain + ")");
        }
        return DdpmScheduler.forwardNoise(alphasCumprod, original, noise, (int) timestep);
    }

    @Override
    public PredictionType predictionType() {
        return prediction;
    }

    @Override
    public int order() {
        return 1;
    }
}

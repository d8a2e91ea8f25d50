package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.List;

/**
 * Euler's method on the probability-flow ODE (Karras et al. 2022, Algorithm 2 without churn), ported from diffusers'
 * {@code scheduling_euler_discrete.py} ({@code EulerDiscreteScheduler}) with {@code s_churn = 0}, i.e. deterministic.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code prediction_type} epsilon, {@code interpolation_type}
 * linear (or log_linear), {@code use_karras_sigmas} false, {@code sigma_min}/{@code sigma_max} (Karras range, default
 * the schedule's), {@code timestep_spacing} linspace, {@code timestep_type} discrete (or continuous, which with
 * v_prediction uses {@code 0.25 log sigma} as timesteps), {@code steps_offset} 0, {@code rescale_betas_zero_snr}
 * false, {@code final_sigmas_type} zero (or sigma_min). {@code use_exponential_sigmas} and {@code use_beta_sigmas}
 * are rejected.
 */
public final class EulerDiscreteScheduler extends SigmaSpaceScheduler {

    private final int numTrain;
    private final float[] alphasCumprod;
    private final float[] trainingSigmas;
    private final PredictionType prediction;
    private final String spacing;
    private final String interpolation;
    private final String timestepType;
    private final String finalSigmas;
    private final boolean karras;
    private final int stepsOffset;


    public EulerDiscreteScheduler(SchedulerConfig config) {
        super("euler", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        this.alphasCumprod = BetaSchedules.alphasCumprod(config, false, true);
        if (config.getBoolean("rescale_betas_zero_snr", false)) {
            // Close to zero without being zero, so the first sigma stays finite (diffusers uses 2^-24).
            alphasCumprod[numTrain - 1] = (float) Math.pow(2, -24);
        }
        this.trainingSigmas = SigmaMath.trainingSigmas(alphasCumprod);
        this.prediction = PredictionType.fromConfig(config, PredictionType.DIFFUSION);
        this.spacing = config.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.interpolation = config.getEnum("interpolation_type", "linear", List.of("linear", "log_linear"));
        this.timestepType = config.getEnum("timestep_type", "discrete", List.of("discrete", "continuous"));
        this.finalSigmas = config.getEnum("final_sigmas_type", "zero", List.of("zero", "sigma_min"));
        this.karras = config.getBoolean("use_karras_sigmas", false);
        this.stepsOffset = config.getInt("steps_offset", 0);
        Checks.rejectIfTrue(config, "use_exponential_sigmas", "EulerDiscreteScheduler");
        Checks.rejectIfTrue(config, "use_beta_sigmas", "EulerDiscreteScheduler");
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        double[] timesteps = Spacings.floatTimesteps(spacing, numTrain, steps, stepsOffset);
        float[] logSigmas = ArrayMath.logOf(trainingSigmas);
        double[] sigmas;
        if ("linear".equals(interpolation)) {
            sigmas = new double[timesteps.length];
            for (int i = 0; i < sigmas.length; i++) {
                sigmas[i] = ArrayMath.interpOnIndexGrid(timesteps[i], trainingSigmas);
            }
        } else {
            // log_linear: torch.linspace in float32 from the largest to the smallest log sigma, steps + 1 values.
            float[] logs = ArrayMath.torchLinspace((float) Math.log(trainingSigmas[numTrain - 1]),
                    (float) Math.log(trainingSigmas[0]), steps + 1);
            sigmas = new double[logs.length];
            for (int i = 0; i < logs.length; i++) {
                sigmas[i] = (float) Math.exp(logs[i]);
            }
        }
        if (karras) {
            double sigmaMin = config.has("sigma_min") ? config.getDouble("sigma_min", 0) : sigmas[sigmas.length - 1];
            double sigmaMax = config.has("sigma_max") ? config.getDouble("sigma_max", 0) : sigmas[0];
            sigmas = SigmaMath.karrasSigmas(sigmaMin, sigmaMax, steps);
            timesteps = new double[sigmas.length];
            for (int i = 0; i < sigmas.length; i++) {
                timesteps[i] = (float) SigmaMath.sigmaToT(sigmas[i], trainingSigmas, logSigmas);
            }
        }
        float last = "sigma_min".equals(finalSigmas) ? trainingSigmas[0] : 0f;
        float[] all = ArrayMath.toFloatWithLast(sigmas, last);
        if ("continuous".equals(timestepType) && prediction == PredictionType.V_PREDICTION) {
            timesteps = new double[all.length - 1];
            for (int i = 0; i < timesteps.length; i++) {
                timesteps[i] = (float) (0.25 * (float) Math.log(all[i]));
            }
        }
        state.reset(timesteps, all, leadingInitSigma());
        return timesteps;
    }

    private boolean leadingInitSigma() {
        return "leading".equals(spacing);
    }

    @Override
    public double initNoiseSigma() {
        return state.initNoiseSigma(trainingSigmas, leadingInitSigma());
    }

    @Override
    public float[] scaleModelInput(float[] sample, double timestep) {
        return state.scaleInput(sample, timestep);
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        // The update x + d * dt cancels to O(1) from O(sigma) terms; with zero-SNR schedules sigma reaches 4096 and
        // float32 rounding dominates, so the step repeats diffusers' float32 tensor arithmetic operation by operation.
        float sigma = (float) state.sigma(index);
        float dt = (float) state.sigma(index + 1) - sigma;
        int n = sample.length;
        float[] prev = new float[n];
        float[] predOriginal = new float[n];
        for (int i = 0; i < n; i++) {
            float x = sample[i];
            float x0 = SigmaMath.predictOriginal(prediction, x, modelOutput[i], sigma);
            float derivative = (x - x0) / sigma;
            prev[i] = x + derivative * dt;
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

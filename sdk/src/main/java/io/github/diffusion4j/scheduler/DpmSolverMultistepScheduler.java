package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.List;

/**
 * DPM-Solver++ multistep (Lu et al. 2022), ported from diffusers' {@code scheduling_dpmsolver_multistep.py}
 * ({@code DPMSolverMultistepScheduler}); registered as {@code dpmpp_2m}, its default configuration.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code solver_order} 2 (1 to 3), {@code prediction_type}
 * epsilon, {@code algorithm_type} dpmsolver++ (also dpmsolver and sde-dpmsolver++; deis is mapped to dpmsolver++ as
 * diffusers does), {@code solver_type} midpoint (or heun; logrho/bh1/bh2 map to midpoint), {@code lower_order_final}
 * true, {@code euler_at_final} false, {@code use_karras_sigmas} false, {@code final_sigmas_type} zero (or sigma_min),
 * {@code lambda_min_clipped} -infinity, {@code timestep_spacing} linspace, {@code steps_offset} 0,
 * {@code rescale_betas_zero_snr} false. Thresholding, learned variance, sde-dpmsolver and the exponential, beta, Lu
 * and flow sigma schedules are rejected.
 * <p>
 * {@link StepOutput#predOriginalSample()} is the data prediction the solver works with (diffusers computes it but
 * does not return it). The sde variant draws {@code sample.length} values from the generator every step.
 */
public final class DpmSolverMultistepScheduler extends SigmaSpaceScheduler {

    private final int numTrain;
    private final float[] alphasCumprod;
    private final float[] trainingSigmas;
    private final float[] lambdas;
    private final int solverOrder;
    private final PredictionType prediction;
    private final String algorithm;
    private final boolean midpoint;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    private final boolean karras;
    private final boolean finalSigmaZero;
    private final double lambdaMinClipped;
    private final String spacing;
    private final int stepsOffset;
    private final boolean cosineSchedule;

    private double[][] modelOutputs;
    private int lowerOrderNums;

    public DpmSolverMultistepScheduler(SchedulerConfig config) {
        this("dpmpp_2m", config);
    }

    /** Built under another registry name, e.g. {@code dpmpp_2m_sde} with its algorithm_type set. */
    DpmSolverMultistepScheduler(String name, SchedulerConfig config) {
        super(name, config, "dpmpp_2m");
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        this.alphasCumprod = BetaSchedules.alphasCumprod(config, false, true);
        if (config.getBoolean("rescale_betas_zero_snr", false)) {
            // Close to zero without being zero, so the first sigma stays finite (diffusers uses 2^-24).
            alphasCumprod[numTrain - 1] = (float) Math.pow(2, -24);
        }
        this.trainingSigmas = SigmaMath.trainingSigmas(alphasCumprod);
        this.lambdas = new float[numTrain];
        for (int i = 0; i < numTrain; i++) {
            // lambda(t) = log(alpha_t) - log(sigma_t), on float32 tensors in diffusers.
            float alpha = (float) Math.sqrt(alphasCumprod[i]);
            float sigma = (float) Math.sqrt(1f - alphasCumprod[i]);
            lambdas[i] = (float) Math.log(alpha) - (float) Math.log(sigma);
        }
        this.solverOrder = config.getInt("solver_order", 2);
        if (solverOrder < 1 || solverOrder > 3) {
            throw new IllegalArgumentException("Scheduler config 'solver_order' must be one of [1, 2, 3], got "
                    + solverOrder);
        }
        this.prediction = PredictionType.fromConfig(config, PredictionType.DIFFUSION);
        String alg = config.getEnum("algorithm_type", "dpmsolver++",
                List.of("dpmsolver++", "dpmsolver", "sde-dpmsolver++", "deis"));
        this.algorithm = "deis".equals(alg) ? "dpmsolver++" : alg;
        String solverType = config.getEnum("solver_type", "midpoint",
                List.of("midpoint", "heun", "logrho", "bh1", "bh2"));
        this.midpoint = !"heun".equals(solverType);
        this.lowerOrderFinal = config.getBoolean("lower_order_final", true);
        this.eulerAtFinal = config.getBoolean("euler_at_final", false);
        this.karras = config.getBoolean("use_karras_sigmas", false);
        this.finalSigmaZero = "zero".equals(config.getEnum("final_sigmas_type", "zero", List.of("zero", "sigma_min")));
        if (finalSigmaZero && "dpmsolver".equals(algorithm)) {
            throw new IllegalArgumentException("Scheduler config 'final_sigmas_type' = 'zero' is not supported with"
                    + " 'algorithm_type' = 'dpmsolver'; use 'sigma_min'");
        }
        this.lambdaMinClipped = config.getDouble("lambda_min_clipped", Double.NEGATIVE_INFINITY);
        this.spacing = config.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.stepsOffset = config.getInt("steps_offset", 0);
        this.cosineSchedule = "squaredcos_cap_v2".equals(config.getString("beta_schedule", "linear"));
        for (String key : List.of("thresholding", "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas",
                "use_flow_sigmas", "use_dynamic_shifting")) {
            Checks.rejectIfTrue(config, key, "DPMSolverMultistepScheduler");
        }
        if (config.has("variance_type")) {
            throw new IllegalArgumentException("Scheduler config 'variance_type' (learned variance) is not supported by"
                    + " DPMSolverMultistepScheduler");
        }
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        // Clip the smallest lambdas (critical for the cosine schedule): searchsorted on the ascending lambdas.
        int clipped = 0;
        for (int i = numTrain - 1; i >= 0; i--) {
            if (lambdas[i] < lambdaMinClipped) {
                clipped++;
            } else {
                break;
            }
        }
        int lastTimestep = numTrain - clipped;
        double[] timesteps = Spacings.multistepTimesteps(spacing, lastTimestep, numTrain, steps, stepsOffset);
        double[] sigmas;
        if (karras) {
            float[] logSigmas = ArrayMath.logOf(trainingSigmas);
            sigmas = SigmaMath.karrasSigmas(trainingSigmas[0], trainingSigmas[numTrain - 1], steps);
            timesteps = new double[sigmas.length];
            for (int i = 0; i < sigmas.length; i++) {
                double t = SigmaMath.sigmaToT(sigmas[i], trainingSigmas, logSigmas);
                // Rounded except for the cosine schedule; the int64 cast then truncates.
                timesteps[i] = (double) (long) (cosineSchedule ? t : ArrayMath.roundHalfEven(t));
            }
        } else {
            sigmas = new double[timesteps.length];
            for (int i = 0; i < sigmas.length; i++) {
                sigmas[i] = ArrayMath.interpOnIndexGrid(timesteps[i], trainingSigmas);
            }
        }
        float[] all = ArrayMath.toFloatWithLast(sigmas, finalSigmaZero ? 0f : trainingSigmas[0]);
        state.reset(timesteps, all, false);
        modelOutputs = new double[solverOrder][];
        lowerOrderNums = 0;
        return timesteps;
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        int len = state.length();
        // Lower-order steps at the end stabilise sampling with few steps (< 15).
        boolean lowerFinal = index == len - 1 && (eulerAtFinal || (lowerOrderFinal && len < 15) || finalSigmaZero);
        boolean lowerSecond = index == len - 2 && lowerOrderFinal && len < 15;

        int n = sample.length;
        double sigma = state.sigma(index);
        double alpha = VariancePreserving.alphaOf(sigma);
        double sigmaT = sigma * alpha;
        double[] converted = new double[n];
        float[] predOriginal = new float[n];
        boolean dataPrediction = !"dpmsolver".equals(algorithm);
        for (int i = 0; i < n; i++) {
            double x = sample[i];
            double m = modelOutput[i];
            double x0 = VariancePreserving.originalSample(prediction, x, m, alpha, sigmaT);
            double eps = VariancePreserving.noise(prediction, x, m, alpha, sigmaT);
            converted[i] = dataPrediction ? x0 : eps;
            predOriginal[i] = (float) (dataPrediction ? x0 : (x - sigmaT * eps) / alpha);
        }
        for (int k = 0; k < solverOrder - 1; k++) {
            modelOutputs[k] = modelOutputs[k + 1];
        }
        modelOutputs[solverOrder - 1] = converted;

        float[] noise = "sde-dpmsolver++".equals(algorithm) ? Checks.draw(generator, n, "sde-dpmsolver++")
                : null;
        double[] prev;
        if (solverOrder == 1 || lowerOrderNums < 1 || lowerFinal) {
            prev = firstOrder(index, converted, sample, noise);
        } else if (solverOrder == 2 || lowerOrderNums < 2 || lowerSecond) {
            prev = secondOrder(index, sample, noise);
        } else {
            prev = thirdOrder(index, sample, noise);
        }
        if (lowerOrderNums < solverOrder) {
            lowerOrderNums++;
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) prev[i];
        }
        state.finishStep();
        return new StepOutput(out, predOriginal);
    }

    private static double lambdaOf(double sigma) {
        return VariancePreserving.Level.of(sigma).lambda();
    }

    /** dpm_solver_first_order_update (equivalent to DDIM). */
    private double[] firstOrder(int index, double[] m, float[] x, float[] noise) {
        double sigmaNext = state.sigma(index + 1);
        double sigmaCur = state.sigma(index);
        double alphaT = VariancePreserving.alphaOf(sigmaNext);
        double sigmaT = sigmaNext * alphaT;
        double alphaS = VariancePreserving.alphaOf(sigmaCur);
        double sigmaS = sigmaCur * alphaS;
        double h = lambdaOf(sigmaNext) - lambdaOf(sigmaCur);
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            switch (algorithm) {
                case "dpmsolver++":
                    out[i] = (sigmaT / sigmaS) * x[i] - (alphaT * (Math.exp(-h) - 1.0)) * m[i];
                    break;
                case "dpmsolver":
                    out[i] = (alphaT / alphaS) * x[i] - (sigmaT * (Math.exp(h) - 1.0)) * m[i];
                    break;
                default:
                    out[i] = (sigmaT / sigmaS * Math.exp(-h)) * x[i] + (alphaT * (1 - Math.exp(-2.0 * h))) * m[i]
                            + sigmaT * Math.sqrt(1.0 - Math.exp(-2 * h)) * noise[i];
                    break;
            }
        }
        return out;
    }

    /** multistep_dpm_solver_second_order_update. */
    private double[] secondOrder(int index, float[] x, float[] noise) {
        double sigmaNext = state.sigma(index + 1);
        double sigmaS0 = state.sigma(index);
        double alphaT = VariancePreserving.alphaOf(sigmaNext);
        double sigmaT = sigmaNext * alphaT;
        double alphaS0 = VariancePreserving.alphaOf(sigmaS0);
        double sigmaS0Vp = sigmaS0 * alphaS0;
        double lambdaT = lambdaOf(sigmaNext);
        double lambdaS0 = lambdaOf(sigmaS0);
        double lambdaS1 = lambdaOf(state.sigma(index - 1));
        double[] m0 = modelOutputs[solverOrder - 1];
        double[] m1 = modelOutputs[solverOrder - 2];
        double h = lambdaT - lambdaS0;
        double r0 = (lambdaS0 - lambdaS1) / h;
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            double d0 = m0[i];
            double d1 = (1.0 / r0) * (m0[i] - m1[i]);
            double v;
            switch (algorithm) {
                case "dpmsolver++":
                    v = (sigmaT / sigmaS0Vp) * x[i] - (alphaT * (Math.exp(-h) - 1.0)) * d0
                            + (midpoint
                            ? -0.5 * (alphaT * (Math.exp(-h) - 1.0)) * d1
                            : (alphaT * ((Math.exp(-h) - 1.0) / h + 1.0)) * d1);
                    break;
                case "dpmsolver":
                    v = (alphaT / alphaS0) * x[i] - (sigmaT * (Math.exp(h) - 1.0)) * d0
                            - (midpoint
                            ? 0.5 * (sigmaT * (Math.exp(h) - 1.0)) * d1
                            : (sigmaT * ((Math.exp(h) - 1.0) / h - 1.0)) * d1);
                    break;
                default:
                    v = (sigmaT / sigmaS0Vp * Math.exp(-h)) * x[i] + (alphaT * (1 - Math.exp(-2.0 * h))) * d0
                            + (midpoint
                            ? 0.5 * (alphaT * (1 - Math.exp(-2.0 * h))) * d1
                            : (alphaT * ((1.0 - Math.exp(-2.0 * h)) / (-2.0 * h) + 1.0)) * d1)
                            + sigmaT * Math.sqrt(1.0 - Math.exp(-2 * h)) * noise[i];
                    break;
            }
            out[i] = v;
        }
        return out;
    }

    /** multistep_dpm_solver_third_order_update. */
    private double[] thirdOrder(int index, float[] x, float[] noise) {
        double sigmaNext = state.sigma(index + 1);
        double sigmaS0 = state.sigma(index);
        double alphaT = VariancePreserving.alphaOf(sigmaNext);
        double sigmaT = sigmaNext * alphaT;
        double alphaS0 = VariancePreserving.alphaOf(sigmaS0);
        double sigmaS0Vp = sigmaS0 * alphaS0;
        double lambdaT = lambdaOf(sigmaNext);
        double lambdaS0 = lambdaOf(sigmaS0);
        double lambdaS1 = lambdaOf(state.sigma(index - 1));
        double lambdaS2 = lambdaOf(state.sigma(index - 2));
        double[] m0 = modelOutputs[2];
        double[] m1 = modelOutputs[1];
        double[] m2 = modelOutputs[0];
        double h = lambdaT - lambdaS0;
        double r0 = (lambdaS0 - lambdaS1) / h;
        double r1 = (lambdaS1 - lambdaS2) / h;
        double[] out = new double[x.length];
        for (int i = 0; i < out.length; i++) {
            double d0 = m0[i];
            double d10 = (1.0 / r0) * (m0[i] - m1[i]);
            double d11 = (1.0 / r1) * (m1[i] - m2[i]);
            double d1 = d10 + (r0 / (r0 + r1)) * (d10 - d11);
            double d2 = (1.0 / (r0 + r1)) * (d10 - d11);
            double v;
            switch (algorithm) {
                case "dpmsolver++":
                    v = (sigmaT / sigmaS0Vp) * x[i] - (alphaT * (Math.exp(-h) - 1.0)) * d0
                            + (alphaT * ((Math.exp(-h) - 1.0) / h + 1.0)) * d1
                            - (alphaT * ((Math.exp(-h) - 1.0 + h) / (h * h) - 0.5)) * d2;
                    break;
                case "dpmsolver":
                    v = (alphaT / alphaS0) * x[i] - (sigmaT * (Math.exp(h) - 1.0)) * d0
                            - (sigmaT * ((Math.exp(h) - 1.0) / h - 1.0)) * d1
                            - (sigmaT * ((Math.exp(h) - 1.0 - h) / (h * h) - 0.5)) * d2;
                    break;
                default:
                    v = (sigmaT / sigmaS0Vp * Math.exp(-h)) * x[i] + (alphaT * (1.0 - Math.exp(-2.0 * h))) * d0
                            + (alphaT * ((1.0 - Math.exp(-2.0 * h)) / (-2.0 * h) + 1.0)) * d1
                            + (alphaT * ((1.0 - Math.exp(-2.0 * h) - 2.0 * h) / ((2.0 * h) * (2.0 * h)) - 0.5)) * d2
                            + sigmaT * Math.sqrt(1.0 - Math.exp(-2 * h)) * noise[i];
                    break;
            }
            out[i] = v;
        }
        return out;
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, double timestep) {
        return state.addNoiseVariancePreserving(original, noise, timestep);
    }

    @Override
    public PredictionType predictionType() {
        return prediction;
    }
}

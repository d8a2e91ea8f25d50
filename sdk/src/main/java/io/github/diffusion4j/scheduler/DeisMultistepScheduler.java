package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * DEIS (Zhang and Chen 2022), the exponential integrator with polynomial extrapolation of the noise prediction in
 * log-rho, ported from diffusers' {@code scheduling_deis_multistep.py} ({@code DEISMultistepScheduler}, diffusers
 * 0.40).
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code solver_order} 2 (1 to 3), {@code prediction_type}
 * epsilon, {@code algorithm_type} deis (dpmsolver / dpmsolver++ read as deis, as in diffusers), {@code solver_type}
 * logrho, {@code lower_order_final} true (below 15 steps the last two steps drop to first and second order),
 * {@code use_karras_sigmas} false, {@code use_exponential_sigmas} false, {@code timestep_spacing} linspace,
 * {@code steps_offset} 0. Refused: {@code thresholding}, {@code use_beta_sigmas}, {@code use_flow_sigmas}.
 */
public final class DeisMultistepScheduler extends SigmaSpaceScheduler {

    private static final int LOWER_ORDER_FINAL_BELOW = 15;

    private final int numTrain;
    private final float[] trainingSigmas;
    private final PredictionType prediction;
    private final int solverOrder;
    private final boolean lowerOrderFinal;
    private final DiscreteSigmas.Ramp ramp;
    private final String spacing;
    private final int stepsOffset;

    private final Deque<double[]> outputs = new ArrayDeque<>();
    private int lowerOrderNums;

    public DeisMultistepScheduler(SchedulerConfig config) {
        super("deis", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        this.trainingSigmas = SigmaMath.trainingSigmas(BetaSchedules.alphasCumprod(config, false, false));
        this.prediction = PredictionType.fromConfig(config, PredictionType.DIFFUSION);
        this.solverOrder = config.getInt("solver_order", 2);
        if (solverOrder < 1 || solverOrder > 3) {
            throw new IllegalArgumentException("Scheduler config 'solver_order' must be 1, 2 or 3, got " + solverOrder);
        }
        config.getEnum("algorithm_type", "deis", List.of("deis", "dpmsolver", "dpmsolver++"));
        config.getEnum("solver_type", "logrho", List.of("logrho", "midpoint", "heun", "bh1", "bh2"));
        this.lowerOrderFinal = config.getBoolean("lower_order_final", true);
        this.ramp = DiscreteSigmas.rampOf(config, "DEISMultistepScheduler");
        this.spacing = config.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.stepsOffset = config.getInt("steps_offset", 0);
        for (String key : List.of("thresholding", "use_flow_sigmas", "use_dynamic_shifting")) {
            Checks.rejectIfTrue(config, key, "DEISMultistepScheduler");
        }
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        double[] timesteps = Spacings.multistepTimesteps(spacing, numTrain, numTrain, steps, stepsOffset);
        double[] sigmas;
        float last;
        if (ramp == DiscreteSigmas.Ramp.NONE) {
            sigmas = new double[timesteps.length];
            for (int i = 0; i < sigmas.length; i++) {
                sigmas[i] = ArrayMath.interpOnIndexGrid(timesteps[i], trainingSigmas);
            }
            last = trainingSigmas[0];
        } else {
            double min = trainingSigmas[0];
            double max = trainingSigmas[numTrain - 1];
            DiscreteSigmas ramped = DiscreteSigmas.multistepRamp(ramp, min, max, steps, trainingSigmas);
            sigmas = ramped.sigmas();
            timesteps = ramped.timesteps();
            last = (float) sigmas[sigmas.length - 1];
        }
        float[] all = ArrayMath.toFloatWithLast(sigmas, last);
        state.reset(timesteps, all, false);
        outputs.clear();
        lowerOrderNums = 0;
        return timesteps;
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        int len = state.length();
        boolean short15 = lowerOrderFinal && len < LOWER_ORDER_FINAL_BELOW;
        boolean lowerFinal = index == len - 1 && short15;
        boolean lowerSecond = index == len - 2 && short15;
        double kSigma = state.sigma(index);
        double alpha = VariancePreserving.alphaOf(kSigma);
        double sigma = kSigma * alpha;
        int n = sample.length;
        float[] predOriginal = new float[n];
        double[] eps = new double[n];
        for (int i = 0; i < n; i++) {
            double x = sample[i];
            double m = modelOutput[i];
            double x0 = VariancePreserving.originalSample(prediction, x, m, alpha, sigma);
            predOriginal[i] = (float) x0;
            eps[i] = (x - alpha * x0) / sigma;
        }
        outputs.addLast(eps);
        if (outputs.size() > solverOrder) {
            outputs.removeFirst();
        }
        float[] prev;
        if (solverOrder == 1 || lowerOrderNums < 1 || lowerFinal) {
            prev = firstOrder(index, eps, sample);
        } else if (solverOrder == 2 || lowerOrderNums < 2 || lowerSecond) {
            prev = secondOrder(index, sample);
        } else {
            prev = thirdOrder(index, sample);
        }
        if (lowerOrderNums < solverOrder) {
            lowerOrderNums++;
        }
        state.finishStep();
        return new StepOutput(prev, predOriginal);
    }

    /** deis_first_order_update: the DDIM step in (alpha, sigma). */
    private float[] firstOrder(int index, double[] m, float[] x) {
        double alphaT = VariancePreserving.alphaOf(state.sigma(index + 1));
        double sigmaT = state.sigma(index + 1) * alphaT;
        double alphaS = VariancePreserving.alphaOf(state.sigma(index));
        double sigmaS = state.sigma(index) * alphaS;
        double h = (Math.log(alphaT) - Math.log(sigmaT)) - (Math.log(alphaS) - Math.log(sigmaS));
        double a = alphaT / alphaS;
        double b = sigmaT * (Math.exp(h) - 1.0);
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (a * x[i] - b * m[i]);
        }
        return out;
    }

    /** multistep_deis_second_order_update: integrates the linear extrapolation of eps in log rho. */
    private float[] secondOrder(int index, float[] x) {
        double rhoT = state.sigma(index + 1);
        double rho0 = state.sigma(index);
        double rho1 = state.sigma(index - 1);
        double coef1 = ind2(rhoT, rho0, rho1) - ind2(rho0, rho0, rho1);
        double coef2 = ind2(rhoT, rho1, rho0) - ind2(rho0, rho1, rho0);
        double[][] m = ArrayMath.newestFirst(outputs);
        return combine(index, x, new double[]{coef1, coef2}, m);
    }

    /** multistep_deis_third_order_update: the quadratic extrapolation. */
    private float[] thirdOrder(int index, float[] x) {
        double rhoT = state.sigma(index + 1);
        double rho0 = state.sigma(index);
        double rho1 = state.sigma(index - 1);
        double rho2 = state.sigma(index - 2);
        double coef1 = ind3(rhoT, rho0, rho1, rho2) - ind3(rho0, rho0, rho1, rho2);
        double coef2 = ind3(rhoT, rho1, rho2, rho0) - ind3(rho0, rho1, rho2, rho0);
        double coef3 = ind3(rhoT, rho2, rho0, rho1) - ind3(rho0, rho2, rho0, rho1);
        return combine(index, x, new double[]{coef1, coef2, coef3}, ArrayMath.newestFirst(outputs));
    }

    /** x_t = alpha_t (x / alpha_s0 + sum coef_k m_k). */
    private float[] combine(int index, float[] x, double[] coefs, double[][] m) {
        double alphaT = VariancePreserving.alphaOf(state.sigma(index + 1));
        double alphaS0 = VariancePreserving.alphaOf(state.sigma(index));
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            double acc = x[i] / alphaS0;
            for (int k = 0; k < coefs.length; k++) {
                acc += coefs[k] * m[k][i];
            }
            out[i] = (float) (alphaT * acc);
        }
        return out;
    }

    private static double ind2(double t, double b, double c) {
        return t * (-Math.log(c) + Math.log(t) - 1) / (Math.log(b) - Math.log(c));
    }

    private static double ind3(double t, double b, double c, double d) {
        double lt = Math.log(t);
        double lc = Math.log(c);
        double ld = Math.log(d);
        double numerator = t * (lc * (ld - lt + 1) - ld * lt + ld + lt * lt - 2 * lt + 2);
        return numerator / ((Math.log(b) - lc) * (Math.log(b) - ld));
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

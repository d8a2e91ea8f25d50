package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * Linear multistep (order 4) on the probability-flow ODE, ported from diffusers' {@code scheduling_lms_discrete.py}
 * ({@code LMSDiscreteScheduler}).
 * <p>
 * diffusers integrates each Lagrange basis polynomial over [sigma_i, sigma_i+1] with {@code scipy.integrate.quad};
 * the integrand is a polynomial of degree at most 3, so a 4-point Gauss-Legendre rule gives the exact integral.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code use_karras_sigmas} false, {@code prediction_type}
 * epsilon, {@code timestep_spacing} linspace, {@code steps_offset} 0. {@code use_exponential_sigmas} and
 * {@code use_beta_sigmas} are rejected.
 */
public final class LmsDiscreteScheduler extends SigmaSpaceScheduler {

    /** diffusers' default {@code order} argument of {@code step}. */
    static final int LMS_ORDER = 4;

    private static final double[] GAUSS_NODES = {
            -0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
    private static final double[] GAUSS_WEIGHTS = {
            0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};

    private final int numTrain;
    private final float[] trainingSigmas;
    private final PredictionType prediction;
    private final String spacing;
    private final boolean karras;
    private final int stepsOffset;

    private final Deque<double[]> derivatives = new ArrayDeque<>();

    public LmsDiscreteScheduler(SchedulerConfig config) {
        super("lms", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        this.trainingSigmas = SigmaMath.trainingSigmas(BetaSchedules.alphasCumprod(config, false, false));
        this.prediction = PredictionType.fromConfig(config, PredictionType.DIFFUSION);
        this.spacing = config.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.karras = config.getBoolean("use_karras_sigmas", false);
        this.stepsOffset = config.getInt("steps_offset", 0);
        Checks.rejectIfTrue(config, "use_exponential_sigmas", "LMSDiscreteScheduler");
        Checks.rejectIfTrue(config, "use_beta_sigmas", "LMSDiscreteScheduler");
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        double[] timesteps = Spacings.floatTimesteps(spacing, numTrain, steps, stepsOffset);
        double[] sigmas = new double[timesteps.length];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = ArrayMath.interpOnIndexGrid(timesteps[i], trainingSigmas);
        }
        if (karras) {
            float[] logSigmas = ArrayMath.logOf(trainingSigmas);
            sigmas = SigmaMath.karrasSigmas(sigmas[sigmas.length - 1], sigmas[0], steps);
            timesteps = new double[sigmas.length];
            for (int i = 0; i < sigmas.length; i++) {
                timesteps[i] = (float) SigmaMath.sigmaToT(sigmas[i], trainingSigmas, logSigmas);
            }
        }
        float[] all = new float[sigmas.length + 1];
        for (int i = 0; i < sigmas.length; i++) {
            all[i] = (float) sigmas[i];
        }
        state.reset(timesteps, all, "leading".equals(spacing));
        derivatives.clear();
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
        double sigma = state.sigma(index);
        double vScale = 1 / Math.sqrt(sigma * sigma + 1);
        int n = sample.length;
        float[] predOriginal = new float[n];
        double[] derivative = new double[n];
        for (int i = 0; i < n; i++) {
            double x = sample[i];
            double m = modelOutput[i];
            double x0;
            switch (prediction) {
                case EPSILON:
                    x0 = x - sigma * m;
                    break;
                case SAMPLE:
                    x0 = m;
                    break;
                default:
                    x0 = m * (-sigma * vScale) + x / (sigma * sigma + 1);
                    break;
            }
            derivative[i] = (x - x0) / sigma;
            predOriginal[i] = (float) x0;
        }
        derivatives.addLast(derivative);
        if (derivatives.size() > LMS_ORDER) {
            derivatives.removeFirst();
        }
        int order = Math.min(index + 1, LMS_ORDER);
        // Newest derivative pairs with coefficient 0, as diffusers zips the coefficients with reversed(derivatives).
        List<double[]> newestFirst = new ArrayList<>(derivatives);
        Collections.reverse(newestFirst);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = sample[i];
        }
        int terms = Math.min(order, newestFirst.size());
        for (int k = 0; k < terms; k++) {
            double coeff = lmsCoefficient(order, index, k);
            double[] d = newestFirst.get(k);
            for (int i = 0; i < n; i++) {
                out[i] += coeff * d[i];
            }
        }
        float[] prev = new float[n];
        for (int i = 0; i < n; i++) {
            prev[i] = (float) out[i];
        }
        state.finishStep();
        return new StepOutput(prev, predOriginal);
    }

    /**
     * scheduling_lms_discrete.py get_lms_coefficient: the integral over [sigma_t, sigma_t+1] of the Lagrange basis
     * polynomial that is 1 at sigma_(t - current) and 0 at the other {@code order - 1} past sigmas.
     */
    private double lmsCoefficient(int order, int t, int current) {
        float[] sigmas = state.sigmas();
        double a = sigmas[t];
        double b = sigmas[t + 1];
        double half = 0.5 * (b - a);
        double mid = 0.5 * (a + b);
        double sum = 0;
        for (int q = 0; q < GAUSS_NODES.length; q++) {
            double tau = half * GAUSS_NODES[q] + mid;
            double prod = 1.0;
            for (int k = 0; k < order; k++) {
                if (k == current) {
                    continue;
                }
                prod *= (tau - sigmas[t - k]) / ((double) sigmas[t - current] - sigmas[t - k]);
            }
            sum += GAUSS_WEIGHTS[q] * prod;
        }
        return sum * half;
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

package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.scheduler.VariancePreserving.Level;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * UniPC (Zhao et al. 2023): a multistep predictor (UniP) followed at the next step by a corrector (UniC) that reuses
 * the new model output, ported from diffusers' {@code scheduling_unipc_multistep.py} ({@code UniPCMultistepScheduler},
 * diffusers 0.40).
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code solver_order} 2 (1 to 3), {@code prediction_type}
 * epsilon, {@code predict_x0} true (the data-prediction form), {@code solver_type} bh2 (or bh1; midpoint, heun and
 * logrho read as bh2 as in diffusers), {@code lower_order_final} true, {@code disable_corrector} [] (step indices
 * whose corrector is skipped), {@code use_karras_sigmas} false, {@code use_exponential_sigmas} false,
 * {@code sigma_min}/{@code sigma_max} (ramp range), {@code timestep_spacing} linspace, {@code steps_offset} 0,
 * {@code final_sigmas_type} zero (or sigma_min), {@code rescale_betas_zero_snr} false. Refused: {@code thresholding},
 * {@code use_beta_sigmas}, {@code use_flow_sigmas} (UniPC on flow models) and {@code solver_p}.
 */
public final class UniPcMultistepScheduler extends SigmaSpaceScheduler {

    private final int numTrain;
    private final float[] alphasCumprod;
    private final float[] trainingSigmas;
    private final PredictionType prediction;
    private final int solverOrder;
    private final boolean predictX0;
    private final boolean bh1;
    private final boolean lowerOrderFinal;
    private final Set<Integer> disableCorrector = new HashSet<>();
    private final DiscreteSigmas.Ramp ramp;
    private final String spacing;
    private final int stepsOffset;
    private final boolean finalSigmaMin;

    /** The converted model outputs of the last steps, newest last (diffusers' model_outputs). */
    private final Deque<double[]> outputs = new ArrayDeque<>();
    private float[] lastSample;
    private int lowerOrderNums;
    private int thisOrder;

    public UniPcMultistepScheduler(SchedulerConfig config) {
        super("unipc", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        this.alphasCumprod = BetaSchedules.alphasCumprod(config, false, true);
        if (config.getBoolean("rescale_betas_zero_snr", false)) {
            alphasCumprod[numTrain - 1] = (float) Math.pow(2, -24);
        }
        this.trainingSigmas = SigmaMath.trainingSigmas(alphasCumprod);
        this.prediction = PredictionType.fromConfig(config, PredictionType.DIFFUSION);
        this.solverOrder = config.getInt("solver_order", 2);
        if (solverOrder < 1 || solverOrder > 3) {
            throw new IllegalArgumentException("Scheduler config 'solver_order' must be 1, 2 or 3, got " + solverOrder);
        }
        this.predictX0 = config.getBoolean("predict_x0", true);
        String solverType = config.getEnum("solver_type", "bh2", List.of("bh1", "bh2", "midpoint", "heun", "logrho"));
        this.bh1 = "bh1".equals(solverType);
        this.lowerOrderFinal = config.getBoolean("lower_order_final", true);
        double[] disabled = config.getDoubleArray("disable_corrector");
        if (disabled != null) {
            for (double d : disabled) {
                disableCorrector.add((int) d);
            }
        }
        this.ramp = DiscreteSigmas.rampOf(config, "UniPCMultistepScheduler");
        this.spacing = config.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.stepsOffset = config.getInt("steps_offset", 0);
        this.finalSigmaMin = "sigma_min".equals(config.getEnum("final_sigmas_type", "zero",
                List.of("zero", "sigma_min")));
        for (String key : List.of("thresholding", "use_flow_sigmas", "use_dynamic_shifting")) {
            Checks.rejectIfTrue(config, key, "UniPCMultistepScheduler");
        }
        if (config.has("solver_p")) {
            throw new IllegalArgumentException("Scheduler config 'solver_p' is not supported by"
                    + " UniPCMultistepScheduler");
        }
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        double[] timesteps = Spacings.multistepTimesteps(spacing, numTrain, numTrain, steps, stepsOffset);
        double[] sigmas;
        if (ramp == DiscreteSigmas.Ramp.NONE) {
            sigmas = new double[timesteps.length];
            for (int i = 0; i < sigmas.length; i++) {
                sigmas[i] = ArrayMath.interpOnIndexGrid(timesteps[i], trainingSigmas);
            }
        } else {
            // The ramp runs between the training extremes (or sigma_min / sigma_max of the config).
            double min = config.has("sigma_min") ? config.getDouble("sigma_min", 0) : trainingSigmas[0];
            double max = config.has("sigma_max") ? config.getDouble("sigma_max", 0) : trainingSigmas[numTrain - 1];
            DiscreteSigmas ramped = DiscreteSigmas.multistepRamp(ramp, min, max, steps, trainingSigmas);
            sigmas = ramped.sigmas();
            timesteps = ramped.timesteps();
        }
        float[] all = new float[sigmas.length + 1];
        for (int i = 0; i < sigmas.length; i++) {
            all[i] = (float) sigmas[i];
        }
        float last = ramp == DiscreteSigmas.Ramp.NONE ? trainingSigmas[0] : all[sigmas.length - 1];
        all[sigmas.length] = finalSigmaMin ? last : 0f;
        state.reset(timesteps, all, false);
        outputs.clear();
        lastSample = null;
        lowerOrderNums = 0;
        thisOrder = 0;
        return timesteps;
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        boolean useCorrector = index > 0 && !disableCorrector.contains(index - 1) && lastSample != null;
        double[] converted = convert(modelOutput, sample, Level.of(state.sigma(index)));
        float[] current = useCorrector ? correct(converted, index) : sample;
        outputs.addLast(converted);
        if (outputs.size() > solverOrder) {
            outputs.removeFirst();
        }
        int order = lowerOrderFinal ? Math.min(solverOrder, state.length() - index) : solverOrder;
        thisOrder = Math.min(order, lowerOrderNums + 1);
        lastSample = current;
        float[] prev = predict(current, index, thisOrder);
        if (lowerOrderNums < solverOrder) {
            lowerOrderNums++;
        }
        state.finishStep();
        return new StepOutput(prev, predictX0 ? ArrayMath.toFloat(converted) : null);
    }

    /** convert_model_output: x0 (predict_x0) or the noise, from the model's prediction. */
    private double[] convert(float[] modelOutput, float[] sample, Level p) {
        double[] out = new double[sample.length];
        for (int i = 0; i < out.length; i++) {
            double x = sample[i];
            double m = modelOutput[i];
            out[i] = predictX0 ? VariancePreserving.originalSample(prediction, x, m, p.alpha(), p.sigma())
                    : VariancePreserving.noise(prediction, x, m, p.alpha(), p.sigma());
        }
        return out;
    }

    /** multistep_uni_p_bh_update: from {@code x} at sigmas[index] to sigmas[index + 1]. */
    private float[] predict(float[] x, int index, int order) {
        Level t = Level.of(state.sigma(index + 1));
        Level s0 = Level.of(state.sigma(index));
        double h = t.lambda() - s0.lambda();
        double[][] history = ArrayMath.newestFirst(outputs);
        double[] m0 = history[0];
        double[] rks = new double[order];
        for (int i = 1; i < order; i++) {
            rks[i - 1] = (Level.of(state.sigma(index - i)).lambda() - s0.lambda()) / h;
        }
        rks[order - 1] = 1;
        Coefficients c = Coefficients.of(predictX0 ? -h : h, bh1, rks, order);
        double[] rhos = order == 1 ? new double[0] : order == 2 ? new double[]{0.5} : c.solveLeading(order - 1);
        return update(x, t, s0, c, m0, history, rks, rhos, null, 0);
    }

    /** multistep_uni_c_bh_update: corrects the current sample with the model output at it. */
    private float[] correct(double[] modelT, int index) {
        int order = thisOrder;
        Level t = Level.of(state.sigma(index));
        Level s0 = Level.of(state.sigma(index - 1));
        double h = t.lambda() - s0.lambda();
        double[][] history = ArrayMath.newestFirst(outputs);
        double[] m0 = history[0];
        double[] rks = new double[order];
        for (int i = 1; i < order; i++) {
            rks[i - 1] = (Level.of(state.sigma(index - (i + 1))).lambda() - s0.lambda()) / h;
        }
        rks[order - 1] = 1;
        Coefficients c = Coefficients.of(predictX0 ? -h : h, bh1, rks, order);
        double[] rhos = order == 1 ? new double[]{0.5} : c.solveAll();
        return update(lastSample, t, s0, c, m0, history, rks, rhos, modelT, rhos[rhos.length - 1]);
    }

    /** x_t = ratio x - scale h_phi_1 m0 - scale B_h (sum rho_k D1_k + rho_t (m_t - m0)). */
    private float[] update(float[] x, Level t, Level s0, Coefficients c, double[] m0, double[][] history,
                           double[] rks, double[] rhos, double[] modelT, double rhoT) {
        double ratio = predictX0 ? t.sigma() / s0.sigma() : t.alpha() / s0.alpha();
        double scale = predictX0 ? t.alpha() : t.sigma();
        int terms = rks.length - 1;
        float[] out = new float[x.length];
        for (int e = 0; e < out.length; e++) {
            double residual = 0;
            for (int k = 0; k < terms && k < rhos.length; k++) {
                residual += rhos[k] * (history[k + 1][e] - m0[e]) / rks[k];
            }
            if (modelT != null) {
                residual += rhoT * (modelT[e] - m0[e]);
            }
            double value = ratio * x[e] - scale * c.hPhi1() * m0[e];
            // diffusers multiplies B_h by a literal 0 when there is no residual (NaN for an infinite bh1 B_h at a
            // zero final sigma); the term is zero, so it is left out.
            if (terms > 0 || modelT != null) {
                value -= scale * c.bh() * residual;
            }
            out[e] = (float) value;
        }
        return out;
    }

    /** The R matrix and b vector of the UniPC update for step size {@code hh}. */
    private record Coefficients(double hPhi1, double bh, double[][] r, double[] b) {
        static Coefficients of(double hh, boolean bh1, double[] rks, int order) {
            double hPhi1 = Math.expm1(hh);
            double hPhiK = hPhi1 / hh - 1;
            double factorial = 1;
            double bh = bh1 ? hh : Math.expm1(hh);
            double[][] r = new double[order][order];
            double[] b = new double[order];
            for (int i = 1; i <= order; i++) {
                for (int k = 0; k < order; k++) {
                    r[i - 1][k] = Math.pow(rks[k], i - 1);
                }
                b[i - 1] = hPhiK * factorial / bh;
                factorial *= i + 1;
                hPhiK = hPhiK / hh - 1 / factorial;
            }
            return new Coefficients(hPhi1, bh, r, b);
        }

        double[] solveLeading(int n) {
            return LinearSolve.solve(r, b, n);
        }

        double[] solveAll() {
            return LinearSolve.solve(r, b, b.length);
        }
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

package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * DPM-Solver / DPM-Solver++ in single-step form (Lu et al. 2022): groups of 1, 2 or 3 steps share one starting
 * sample and extrapolate the model outputs evaluated inside the group, ported from diffusers'
 * {@code scheduling_dpmsolver_singlestep.py} ({@code DPMSolverSinglestepScheduler}, diffusers 0.40). Registered as
 * {@code dpmpp_2s} (solver_order 2, the DPM++ 2S family of k-diffusion without its ancestral noise).
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code solver_order} 2 (1 to 3), {@code prediction_type}
 * epsilon, {@code algorithm_type} dpmsolver++ (also dpmsolver and sde-dpmsolver++, which draws generator noise on
 * every step), {@code solver_type} midpoint (or heun), {@code lower_order_final} false (diffusers switches it on, for
 * good, when the step count is not a multiple of the order or the final sigma is zero, and so does this port),
 * {@code use_karras_sigmas} false, {@code use_exponential_sigmas} false, {@code final_sigmas_type} zero (or
 * sigma_min; dpmsolver needs sigma_min), {@code lambda_min_clipped} -inf. diffusers' class has no
 * {@code timestep_spacing}: its schedule is always linspace. Refused: {@code thresholding}, {@code use_beta_sigmas},
 * {@code use_flow_sigmas}, learned {@code variance_type}.
 */
public final class DpmSolverSinglestepScheduler extends SigmaSpaceScheduler {

    private final int numTrain;
    private final float[] trainingSigmas;
    private final float[] lambdas;
    private final PredictionType prediction;
    private final int solverOrder;
    private final String algorithm;
    private final boolean heun;
    private final boolean finalSigmaZero;
    private final double lambdaMinClipped;
    private final DiscreteSigmas.Ramp ramp;
    private boolean lowerOrderFinal;

    private final List<double[]> outputs = new ArrayList<>();
    private int[] orderList;
    private float[] groupSample;

    public DpmSolverSinglestepScheduler(SchedulerConfig config) {
        super("dpmpp_2s", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        float[] alphasCumprod = BetaSchedules.alphasCumprod(config, false, false);
        this.trainingSigmas = SigmaMath.trainingSigmas(alphasCumprod);
        this.lambdas = new float[numTrain];
        for (int i = 0; i < numTrain; i++) {
            float alpha = (float) Math.sqrt(alphasCumprod[i]);
            float sigma = (float) Math.sqrt(1f - alphasCumprod[i]);
            lambdas[i] = (float) Math.log(alpha) - (float) Math.log(sigma);
        }
        this.prediction = PredictionType.fromConfig(config, PredictionType.DIFFUSION);
        this.solverOrder = config.getInt("solver_order", 2);
        if (solverOrder < 1 || solverOrder > 3) {
            throw new IllegalArgumentException("Scheduler config 'solver_order' must be 1, 2 or 3, got " + solverOrder);
        }
        String type = config.getEnum("algorithm_type", "dpmsolver++",
                List.of("dpmsolver++", "dpmsolver", "sde-dpmsolver++", "deis"));
        this.algorithm = "deis".equals(type) ? "dpmsolver++" : type;
        String solver = config.getEnum("solver_type", "midpoint", List.of("midpoint", "heun", "logrho", "bh1", "bh2"));
        this.heun = "heun".equals(solver);
        this.finalSigmaZero = "zero".equals(config.getEnum("final_sigmas_type", "zero",
                List.of("zero", "sigma_min")));
        if (finalSigmaZero && "dpmsolver".equals(algorithm)) {
            throw new IllegalArgumentException("Scheduler config 'final_sigmas_type' = 'zero' is not supported with"
                    + " algorithm_type 'dpmsolver' (diffusers refuses it too); use 'sigma_min'");
        }
        this.lowerOrderFinal = config.getBoolean("lower_order_final", false);
        // Validated like every scheduler's, though diffusers' singlestep schedule is always linspace.
        config.getEnum("timestep_spacing", "linspace", Spacings.SPACINGS);
        this.lambdaMinClipped = config.getDouble("lambda_min_clipped", Double.NEGATIVE_INFINITY);
        this.ramp = DiscreteSigmas.rampOf(config, "DPMSolverSinglestepScheduler");
        String variance = config.getString("variance_type", null);
        if (variance != null) {
            throw new IllegalArgumentException("Scheduler config 'variance_type' = '" + variance + "' is not supported"
                    + " by DPMSolverSinglestepScheduler here (it needs a model that predicts its variance)");
        }
        for (String key : List.of("thresholding", "use_flow_sigmas", "use_dynamic_shifting")) {
            Checks.rejectIfTrue(config, key, "DPMSolverSinglestepScheduler");
        }
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        int clipped = 0;
        for (int i = numTrain - 1; i >= 0 && lambdas[i] < lambdaMinClipped; i--) {
            clipped++;
        }
        double[] timesteps = Spacings.multistepTimesteps("linspace", numTrain - clipped, numTrain, steps, 0);
        double[] sigmas;
        if (ramp == DiscreteSigmas.Ramp.NONE) {
            sigmas = new double[timesteps.length];
            for (int i = 0; i < sigmas.length; i++) {
                sigmas[i] = ArrayMath.interpOnIndexGrid(timesteps[i], trainingSigmas);
            }
        } else {
            double min = trainingSigmas[0];
            double max = trainingSigmas[numTrain - 1];
            DiscreteSigmas ramped = DiscreteSigmas.multistepRamp(ramp, min, max, steps, trainingSigmas);
            sigmas = ramped.sigmas();
            timesteps = ramped.timesteps();
        }
        float[] all = ArrayMath.toFloatWithLast(sigmas, finalSigmaZero ? 0f : trainingSigmas[0]);
        if (!lowerOrderFinal && (steps % solverOrder != 0 || finalSigmaZero)) {
            lowerOrderFinal = true;
        }
        orderList = orderList(steps);
        state.reset(timesteps, all, false);
        outputs.clear();
        groupSample = null;
        return timesteps;
    }

    /** get_order_list: the order of each step, groups of 1..solver_order with a lower-order tail. */
    private int[] orderList(int steps) {
        List<Integer> orders = new ArrayList<>();
        int order = solverOrder;
        int groups = steps / order;
        int rest = steps % order;
        if (lowerOrderFinal && order > 1 && rest == 0) {
            groups--;
            rest = order;
        }
        for (int g = 0; g < groups; g++) {
            for (int k = 1; k <= order; k++) {
                orders.add(k);
            }
        }
        if (lowerOrderFinal && order > 1) {
            // order 3: [1, 2] + [1] when divisible, else [1] or [1, 2]; order 2: [1, 1] or [1].
            if (order == 3 && rest == 3) {
                Collections.addAll(orders, 1, 2, 1);
            } else if (order == 2 && rest == 2) {
                Collections.addAll(orders, 1, 1);
            } else {
                for (int k = 1; k <= rest; k++) {
                    orders.add(k);
                }
            }
        } else if (order == 1) {
            orders = new ArrayList<>(Collections.nCopies(steps, 1));
        }
        if (finalSigmaZero) {
            orders.set(orders.size() - 1, 1);
        }
        return orders.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        Checks.checkSameLength(modelOutput, sample);
        int index = state.enterStep(timestep);
        double[] converted = convert(modelOutput, sample, state.sigma(index));
        outputs.add(converted);
        if (outputs.size() > solverOrder) {
            outputs.remove(0);
        }
        float[] noise = "sde-dpmsolver++".equals(algorithm)
                ? Checks.draw(generator, sample.length, "dpmpp_2s with sde-dpmsolver++") : null;
        int order = Math.min(orderList[index], outputs.size());
        if (order == 1) {
            groupSample = sample;
        }
        float[] prev = DpmSolverUpdates.singlestep(algorithm, heun, order, state, index, outputs, groupSample, noise);
        state.finishStep();
        return new StepOutput(prev, "dpmsolver".equals(algorithm) ? null : ArrayMath.toFloat(converted));
    }

    /** convert_model_output: x0 for dpmsolver++ / sde-dpmsolver++, the noise for dpmsolver. */
    private double[] convert(float[] modelOutput, float[] sample, double kSigma) {
        double alpha = VariancePreserving.alphaOf(kSigma);
        double sigma = kSigma * alpha;
        boolean dataPrediction = !"dpmsolver".equals(algorithm);
        double[] out = new double[sample.length];
        for (int i = 0; i < out.length; i++) {
            double x = sample[i];
            double m = modelOutput[i];
            out[i] = dataPrediction ? VariancePreserving.originalSample(prediction, x, m, alpha, sigma)
                    : VariancePreserving.noise(prediction, x, m, alpha, sigma);
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

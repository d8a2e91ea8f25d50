package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.ArrayList;
import java.util.List;

import static io.github.diffusion4j.scheduler.VariancePreserving.sqrtF32;

/**
 * Pseudo numerical methods (PNDM, Liu et al. 2022), ported from diffusers' {@code scheduling_pndm.py}
 * ({@code PNDMScheduler}), Stable Diffusion 1.x's default scheduler.
 * <p>
 * With {@code skip_prk_steps} = false the schedule starts with the Runge-Kutta warm-up (three groups of four model
 * evaluations over the highest timesteps), which needs at least 4 inference steps, as in diffusers. With
 * {@code skip_prk_steps} = true (the Stable Diffusion setting) it is pure PLMS, whose second timestep repeats the
 * first: that is diffusers' warm-up for the linear multistep method, and {@link #timesteps()} therefore has
 * {@code steps + 1} entries.
 * <p>
 * Config keys (diffusers defaults): {@code num_train_timesteps} 1000, {@code beta_start} 1e-4, {@code beta_end} 0.02,
 * {@code beta_schedule} linear, {@code trained_betas}, {@code skip_prk_steps} false, {@code set_alpha_to_one} false,
 * {@code prediction_type} epsilon (or v_prediction), {@code timestep_spacing} leading, {@code steps_offset} 0.
 * <p>
 * PNDM does not estimate the clean sample, so {@link StepOutput#predOriginalSample()} is {@code null}.
 */
public final class PndmScheduler extends AbstractScheduler {

    private static final int PNDM_ORDER = 4;

    private final int numTrain;
    private final float[] alphasCumprod;
    private final float finalAlphaCumprod;
    private final boolean skipPrkSteps;
    private final PredictionType prediction;
    private final String spacing;
    private final int stepsOffset;

    private int numInferenceSteps;
    private double[] timesteps;
    private int prkCount;
    private int counter;
    private final List<float[]> ets = new ArrayList<>();
    private float[] curModelOutput;
    private float[] curSample;
    /**
     * The model output that left the four-entry history last step (referenced by nothing else), reused for the next
     * one: a step then allocates only the sample it returns.
     */
    private float[] evictedOutput;

    public PndmScheduler(SchedulerConfig config) {
        super("pndm", config);
        this.numTrain = BetaSchedules.numTrainTimesteps(config);
        this.alphasCumprod = BetaSchedules.alphasCumprod(config, false, false);
        this.finalAlphaCumprod = config.getBoolean("set_alpha_to_one", false) ? 1f : alphasCumprod[0];
        this.skipPrkSteps = config.getBoolean("skip_prk_steps", false);
        this.prediction = PredictionType.fromConfig(config, PredictionType.EPSILON_OR_V);
        this.spacing = config.getEnum("timestep_spacing", "leading", Spacings.SPACINGS);
        this.stepsOffset = config.getInt("steps_offset", 0);
    }

    @Override
    protected double[] schedule(TimestepPlan plan) {
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        if (!skipPrkSteps && steps < PNDM_ORDER) {
            throw new IllegalArgumentException("PNDM with skip_prk_steps = false needs at least " + PNDM_ORDER
                    + " inference steps for its Runge-Kutta warm-up, got " + steps);
        }
        // scheduling_pndm.py keeps the base schedule ascending.
        double[] descending = Spacings.integerTimesteps(spacing, numTrain, steps, stepsOffset);
        int len = descending.length;
        long[] base = new long[len];
        for (int i = 0; i < len; i++) {
            base[i] = (long) descending[len - 1 - i];
        }
        List<Long> all = new ArrayList<>();
        if (skipPrkSteps) {
            // PLMS warm-up (crowsonkb's sampler): the second-highest timestep appears twice.
            List<Long> asc = new ArrayList<>();
            for (int i = 0; i < len - 1; i++) {
                asc.add(base[i]);
            }
            if (len >= 2) {
                asc.add(base[len - 2]);
            }
            asc.add(base[len - 1]);
            for (int i = asc.size() - 1; i >= 0; i--) {
                all.add(asc.get(i));
            }
            prkCount = 0;
        } else {
            // The four highest timesteps, each paired with its half-step midpoint, expanded to the RK4 evaluation
            // pattern t, t-h, t-h, t-delta per group (diffusers builds the same list with repeat/tile).
            long half = numTrain / steps / 2;
            long[] pairs = new long[2 * PNDM_ORDER];
            for (int k = 0; k < PNDM_ORDER; k++) {
                long t = base[len - PNDM_ORDER + k];
                pairs[2 * k] = t;
                pairs[2 * k + 1] = t + half;
            }
            List<Long> doubled = new ArrayList<>();
            for (int k = 0; k < pairs.length - 1; k++) {
                doubled.add(pairs[k]);
                doubled.add(pairs[k]);
            }
            List<Long> prk = doubled.subList(1, doubled.size() - 1);
            for (int i = prk.size() - 1; i >= 0; i--) {
                all.add(prk.get(i));
            }
            prkCount = prk.size();
            for (int i = len - 4; i >= 0; i--) {
                all.add(base[i]);
            }
        }
        this.timesteps = new double[all.size()];
        for (int i = 0; i < timesteps.length; i++) {
            timesteps[i] = all.get(i);
        }
        double[] schedule = timesteps;
        this.numInferenceSteps = steps;
        this.counter = 0;
        this.ets.clear();
        this.evictedOutput = null;
        this.curModelOutput = null;
        this.curSample = null;
        return schedule;
    }

    @Override
    public StepOutput step(float[] modelOutput, double timestep, float[] sample, NoiseGenerator generator) {
        requireSet();
        Checks.checkSameLength(modelOutput, sample);
        // Like diffusers, PNDM follows its own counter; the timestep only has to belong to the schedule.
        SigmaMath.indexForTimestep(timesteps, timestep);
        float[] prev = counter < prkCount && !skipPrkSteps
                ? stepPrk(modelOutput, (long) timestep, sample)
                : stepPlms(modelOutput, (long) timestep, sample);
        return new StepOutput(prev, null);
    }

    /**
     * scheduling_pndm.py step_prk: one of the four Runge-Kutta evaluations of a warm-up step. Like every tensor
     * operation of this file, in float32, one rounding per torch operation: {@code cur_model_output += 1 / 6 *
     * model_output} is a float32 product by {@code (float) (1.0 / 6)}, then a float32 sum.
     */
    private float[] stepPrk(float[] modelOutput, long timestep, float[] sample) {
        long diffToPrev = counter % 2 != 0 ? 0 : numTrain / numInferenceSteps / 2;
        long prevTimestep = timestep - diffToPrev;
        long t = (long) timesteps[counter / 4 * 4];
        int phase = counter % 4;
        float[] effective = modelOutput;
        if (phase == 0) {
            // cur_model_output starts as the int 0: 0 + x is x
            curModelOutput = new float[modelOutput.length];
            accumulate(curModelOutput, modelOutput, (float) (1.0 / 6));
            ets.add(historyCopy(modelOutput));
            curSample = sample;
        } else if (phase == 1 || phase == 2) {
            accumulate(curModelOutput, modelOutput, (float) (1.0 / 3));
        } else {
            effective = curModelOutput;
            accumulate(effective, modelOutput, (float) (1.0 / 6));
            curModelOutput = null;
        }
        float[] base = curSample != null ? curSample : sample;
        float[] prev = new float[base.length];
        coefficients(t, prevTimestep).prevSample(base, effective, prev);
        counter++;
        return prev;
    }

    /**
     * scheduling_pndm.py step_plms: the Adams-Bashforth combination of up to four past model outputs (kept as float32,
     * as diffusers keeps them), then {@code _get_prev_sample}; float32 arithmetic in torch's operation order, so the
     * values are diffusers' to the bit.
     */
    private float[] stepPlms(float[] modelOutput, long timestep, float[] sample) {
        if (!skipPrkSteps && ets.size() < 3) {
            throw new IllegalStateException("PNDM can only run PLMS steps after its 12 Runge-Kutta warm-up steps");
        }
        long ratio = numTrain / numInferenceSteps;
        long prevTimestep = timestep - ratio;
        long t = timestep;
        float[] output = historyCopy(modelOutput);
        boolean averaged = counter == 1;
        if (!averaged) {
            while (ets.size() > 3) {
                evictedOutput = ets.remove(0);
            }
            ets.add(output);
        } else {
            // The repeated timestep: redo the first step from the saved sample, with the averaged output.
            prevTimestep = timestep;
            t = timestep + ratio;
        }
        int size = ets.size();
        float[] base = sample;
        if (size == 1 && counter == 0) {
            curSample = sample;
        } else if (size == 1 && averaged) {
            base = curSample;
            curSample = null;
        }
        float[] prev = new float[base.length];
        float[] combined = combine(output, size, size == 1 && averaged, prev);
        coefficients(t, prevTimestep).prevSample(base, combined, prev);
        counter++;
        return prev;
    }

    /**
     * step_plms' {@code model_output}: the history's newest {@code size} outputs combined (or the warm-up average of
     * {@code output} with the first), written into {@code into}; {@code output} itself when it is used as it is.
     */
    private float[] combine(float[] output, int size, boolean averaged, float[] into) {
        float[] e1 = ets.get(size - 1);
        if (averaged) {
            for (int i = 0; i < into.length; i++) {
                into[i] = (output[i] + e1[i]) / 2f; // (model_output + self.ets[-1]) / 2
            }
        } else if (size == 1) {
            return output;
        } else if (size == 2) {
            float[] e2 = ets.get(0);
            for (int i = 0; i < into.length; i++) {
                into[i] = (3f * e1[i] - e2[i]) / 2f; // (3 * self.ets[-1] - self.ets[-2]) / 2
            }
        } else if (size == 3) {
            float[] e2 = ets.get(1);
            float[] e3 = ets.get(0);
            for (int i = 0; i < into.length; i++) {
                // (23 * self.ets[-1] - 16 * self.ets[-2] + 5 * self.ets[-3]) / 12
                into[i] = (23f * e1[i] - 16f * e2[i] + 5f * e3[i]) / 12f;
            }
        } else {
            float[] e2 = ets.get(size - 2);
            float[] e3 = ets.get(size - 3);
            float[] e4 = ets.get(size - 4);
            float twentyFourth = (float) (1.0 / 24);
            for (int i = 0; i < into.length; i++) {
                // (1 / 24) * (55 * self.ets[-1] - 59 * self.ets[-2] + 37 * self.ets[-3] - 9 * self.ets[-4])
                into[i] = twentyFourth * (55f * e1[i] - 59f * e2[i] + 37f * e3[i] - 9f * e4[i]);
            }
        }
        return into;
    }

    /**
     * The coefficients of formula (9) of the PNDM paper (scheduling_pndm.py {@code _get_prev_sample}) for one step.
     * diffusers computes them from {@code alphas_cumprod}'s float32 0-dim tensors, so they are float32 too; {@code **
     * 0.5} is torch's float sqrt.
     */
    private record Coefficients(float sampleCoeff, float alphaDiff, float denom, boolean vPrediction,
                                float sqrtAlphaProd, float sqrtBetaProd) {

        /**
         * {@code sample_coeff * sample - (alpha_prod_t_prev - alpha_prod_t) * model_output / model_output_denom_coeff}
         * into {@code prev} ({@code modelOutput} may be {@code prev}: each element is read before it is written).
         */
        void prevSample(float[] sample, float[] modelOutput, float[] prev) {
            if (vPrediction) {
                for (int i = 0; i < prev.length; i++) {
                    // model_output = alpha_prod_t ** 0.5 * model_output + beta_prod_t ** 0.5 * sample
                    float eps = sqrtAlphaProd * modelOutput[i] + sqrtBetaProd * sample[i];
                    prev[i] = sampleCoeff * sample[i] - alphaDiff * eps / denom;
                }
            } else {
                for (int i = 0; i < prev.length; i++) {
                    prev[i] = sampleCoeff * sample[i] - alphaDiff * modelOutput[i] / denom;
                }
            }
        }
    }

    private Coefficients coefficients(long t, long prevT) {
        float alphaProd = alphasCumprod[(int) t];
        float alphaProdPrev = prevT >= 0 ? alphasCumprod[(int) prevT] : finalAlphaCumprod;
        float betaProd = 1f - alphaProd;
        float betaProdPrev = 1f - alphaProdPrev;
        float sampleCoeff = sqrtF32(alphaProdPrev / alphaProd);
        // alpha_prod_t * beta_prod_t_prev ** 0.5 + (alpha_prod_t * beta_prod_t * alpha_prod_t_prev) ** 0.5
        float denom = alphaProd * sqrtF32(betaProdPrev) + sqrtF32(alphaProd * betaProd * alphaProdPrev);
        return new Coefficients(sampleCoeff, alphaProdPrev - alphaProd, denom,
                prediction == PredictionType.V_PREDICTION, sqrtF32(alphaProd), sqrtF32(betaProd));
    }

    @Override
    public float[] addNoise(float[] original, float[] noise, double timestep) {
        return VariancePreserving.addNoiseAtTrainingTimestep(alphasCumprod, numTrain, original, noise, timestep);
    }

    @Override
    public PredictionType predictionType() {
        return prediction;
    }

    /** A copy of a model output for the history, in the array evicted from it last step if there is one. */
    private float[] historyCopy(float[] values) {
        float[] out = evictedOutput != null && evictedOutput.length == values.length ? evictedOutput
                : new float[values.length];
        evictedOutput = null;
        System.arraycopy(values, 0, out, 0, values.length);
        return out;
    }

    /** {@code target += factor * values}, float32 (two roundings, as torch's in-place add of a product). */
    private static void accumulate(float[] target, float[] values, float factor) {
        for (int i = 0; i < target.length; i++) {
            target[i] += factor * values[i];
        }
    }
}

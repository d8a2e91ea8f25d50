package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.ArrayList;
import java.util.List;

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
    private final double finalAlphaCumprod;
    private final boolean skipPrkSteps;
    private final PredictionType prediction;
    private final String spacing;
    private final int stepsOffset;

    private int numInferenceSteps;
    private double[] timesteps;
    private int prkCount;
    private int counter;
    private final List<float[]> ets = new ArrayList<>();
    private double[] curModelOutput;
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
        this.finalAlphaCumprod = config.getBoolean("set_alpha_to_one", false) ? 1.0 : alphasCumprod[0];
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

    /** scheduling_pndm.py step_prk: one of the four Runge-Kutta evaluations of a warm-up step. */
    private float[] stepPrk(float[] modelOutput, long timestep, float[] sample) {
        long diffToPrev = counter % 2 != 0 ? 0 : numTrain / numInferenceSteps / 2;
        long prevTimestep = timestep - diffToPrev;
        long t = (long) timesteps[counter / 4 * 4];
        int phase = counter % 4;
        double[] output = ArrayMath.toDouble(modelOutput);
        double[] effective = output;
        if (phase == 0) {
            curModelOutput = scaled(output, 1.0 / 6);
            ets.add(historyCopy(modelOutput));
            curSample = sample;
        } else if (phase == 1 || phase == 2) {
            accumulate(curModelOutput, output, 1.0 / 3);
        } else {
            effective = curModelOutput.clone();
            accumulate(effective, output, 1.0 / 6);
            curModelOutput = null;
        }
        float[] base = curSample != null ? curSample : sample;
        Coefficients c = coefficients(t, prevTimestep);
        float[] prev = new float[base.length];
        for (int i = 0; i < prev.length; i++) {
            prev[i] = c.prevSample(base[i], effective[i]);
        }
        counter++;
        return prev;
    }

    /**
     * scheduling_pndm.py step_plms: the Adams-Bashforth combination of up to four past model outputs, fused with
     * {@code _get_prev_sample} into one pass over the history (kept as float32, as diffusers keeps it; widened to
     * double exactly, so the values are those of combining double copies).
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
        float[] prev = combine(base, coefficients(t, prevTimestep), output, size, size == 1 && averaged);
        counter++;
        return prev;
    }

    /** The previous sample from the history's newest {@code size} outputs (or the warm-up average with the first). */
    private float[] combine(float[] sample, Coefficients c, float[] output, int size, boolean averaged) {
        float[] prev = new float[sample.length];
        float[] e1 = ets.get(size - 1);
        if (averaged) {
            for (int i = 0; i < prev.length; i++) {
                prev[i] = c.prevSample(sample[i], ((double) output[i] + e1[i]) / 2);
            }
        } else if (size == 1) {
            for (int i = 0; i < prev.length; i++) {
                prev[i] = c.prevSample(sample[i], e1[i]);
            }
        } else if (size == 2) {
            float[] e2 = ets.get(0);
            for (int i = 0; i < prev.length; i++) {
                prev[i] = c.prevSample(sample[i], (3 * (double) e1[i] - e2[i]) / 2);
            }
        } else if (size == 3) {
            float[] e2 = ets.get(1);
            float[] e3 = ets.get(0);
            for (int i = 0; i < prev.length; i++) {
                prev[i] = c.prevSample(sample[i], (23 * (double) e1[i] - 16 * (double) e2[i] + 5 * (double) e3[i]) / 12);
            }
        } else {
            float[] e2 = ets.get(size - 2);
            float[] e3 = ets.get(size - 3);
            float[] e4 = ets.get(size - 4);
            for (int i = 0; i < prev.length; i++) {
                prev[i] = c.prevSample(sample[i], (1.0 / 24)
                        * (55 * (double) e1[i] - 59 * (double) e2[i] + 37 * (double) e3[i] - 9 * (double) e4[i]));
            }
        }
        return prev;
    }

    /** The coefficients of formula (9) of the PNDM paper (scheduling_pndm.py _get_prev_sample) for one step. */
    private record Coefficients(double sampleCoeff, double outputCoeff, boolean vPrediction, double sqrtAlphaProd,
                                double sqrtBetaProd) {

        float prevSample(float sample, double output) {
            double x = sample;
            double eps = vPrediction ? sqrtAlphaProd * output + sqrtBetaProd * x : output;
            return (float) (sampleCoeff * x - outputCoeff * eps);
        }
    }

    private Coefficients coefficients(long t, long prevT) {
        double alphaProd = alphasCumprod[(int) t];
        double alphaProdPrev = prevT >= 0 ? alphasCumprod[(int) prevT] : finalAlphaCumprod;
        double betaProd = 1 - alphaProd;
        double betaProdPrev = 1 - alphaProdPrev;
        double sampleCoeff = Math.sqrt(alphaProdPrev / alphaProd);
        double denom = alphaProd * Math.sqrt(betaProdPrev) + Math.sqrt(alphaProd * betaProd * alphaProdPrev);
        double outputCoeff = (alphaProdPrev - alphaProd) / denom;
        return new Coefficients(sampleCoeff, outputCoeff, prediction == PredictionType.V_PREDICTION,
                Math.sqrt(alphaProd), Math.sqrt(betaProd));
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

    private static double[] scaled(double[] values, double factor) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = factor * values[i];
        }
        return out;
    }

    private static void accumulate(double[] target, double[] values, double factor) {
        for (int i = 0; i < target.length; i++) {
            target[i] += factor * values[i];
        }
    }
}

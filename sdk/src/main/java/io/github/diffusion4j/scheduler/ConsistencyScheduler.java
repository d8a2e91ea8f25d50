package io.github.diffusion4j.scheduler;

import java.util.EnumSet;
import java.util.Set;

/**
 * What the consistency-distilled samplers of {@code scheduling_lcm.py} and {@code scheduling_tcd.py} (diffusers
 * 0.40) share around their step math: the DDPM-family config they read first ({@code beta_schedule} scaled_linear
 * 0.00085 .. 0.012, {@code set_alpha_to_one}, {@code prediction_type}, {@code original_inference_steps}), the
 * {@link ConsistencySchedules} schedule with custom timesteps, the step counter with its begin index, and add_noise
 * at integer training timesteps.
 */
abstract class ConsistencyScheduler extends AbstractScheduler {

    protected final int numTrain;
    protected final float[] alphasCumprod;
    /** alpha_bar before the first training step: 1 with {@code set_alpha_to_one}, else alpha_bar_0. */
    protected final double finalAlphaCumprod;
    protected final PredictionType prediction;
    private final int originalSteps;

    private int numInferenceSteps;
    private int stepIndex = -1;
    private int beginAt = -1;

    protected ConsistencyScheduler(String name, SchedulerConfig config) {
        super(name, BetaSchedules.withBetaDefaults(config, "scaled_linear", 0.00085, 0.012));
        SchedulerConfig c = config();
        this.numTrain = BetaSchedules.numTrainTimesteps(c);
        this.alphasCumprod = BetaSchedules.alphasCumprod(c, false, true);
        this.finalAlphaCumprod = c.getBoolean("set_alpha_to_one", true) ? 1.0 : alphasCumprod[0];
        this.prediction = PredictionType.fromConfig(c, PredictionType.DIFFUSION);
        this.originalSteps = ConsistencySchedules.originalSteps(c, numTrain);
    }

    @Override
    protected final Set<PlanPart> supportedPlanParts() {
        return EnumSet.of(PlanPart.TIMESTEPS);
    }

    @Override
    protected final double[] schedule(TimestepPlan plan) {
        stepIndex = -1;
        numInferenceSteps = plan.steps();
        return ConsistencySchedules.of(plan, numTrain, originalSteps);
    }

    @Override
    protected final void onBeginIndex(int beginIndex) {
        stepIndex = -1;
        beginAt = beginIndex;
    }

    /** Checks that {@code timestep} is the one due now and returns its position in the full schedule. */
    protected final int enterStep(double timestep) {
        stepIndex = ConsistencySchedules.checkedStepIndex(name(), fullTimesteps(), stepIndex, beginAt, timestep);
        return stepIndex;
    }

    /** Whether {@code index} is the last of the requested inference steps (no fresh noise is drawn there). */
    protected final boolean isLastStep(int index) {
        return index == numInferenceSteps - 1;
    }

    protected final void finishStep() {
        stepIndex++;
    }

    @Override
    public final float[] addNoise(float[] original, float[] noise, double timestep) {
        return VariancePreserving.addNoiseAtTrainingTimestep(alphasCumprod, numTrain, original, noise, timestep);
    }

    @Override
    public final PredictionType predictionType() {
        return prediction;
    }
}

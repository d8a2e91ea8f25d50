package io.github.diffusion4j.scheduler;

/**
 * The timestep schedule of the consistency-distilled samplers (scheduling_lcm.py and scheduling_tcd.py
 * set_timesteps): a subset of the {@code original_inference_steps} distillation timesteps {@code k i - 1},
 * {@code k = num_train_timesteps / original_steps}, taken from the top at
 * {@code floor(linspace(0, original_steps, steps, endpoint=False))}; or checked custom timesteps.
 */
final class ConsistencySchedules {

    private ConsistencySchedules() {
    }

    static double[] of(TimestepPlan plan, int numTrain, int originalSteps) {
        double[] custom = plan.timesteps();
        if (custom != null) {
            return checkedCustom(custom, numTrain);
        }
        int steps = plan.steps();
        Checks.checkSteps(steps, numTrain);
        if (steps > originalSteps) {
            throw new IllegalArgumentException("steps must be at most original_inference_steps (" + originalSteps
                    + ") with this consistency scheduler, got " + steps);
        }
        int k = numTrain / originalSteps;
        double[] indices = ArrayMath.numpyLinspaceExclusive(0, originalSteps, steps);
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            int index = (int) Math.floor(indices[i]);
            out[i] = (double) (originalSteps - index) * k - 1;
        }
        return out;
    }

    /**
     * The position of {@code timestep} in the schedule (the step index of scheduling_lcm.py and scheduling_tcd.py):
     * the begin index or the timestep's own position on the first step, the counter after it; the timestep must be
     * the schedule entry there.
     *
     * @param stepIndex the step counter, -1 before the first step
     * @param beginAt   the begin index of an image-to-image run, or -1
     */
    static int checkedStepIndex(String scheduler, double[] schedule, int stepIndex, int beginAt, double timestep) {
        int index = stepIndex >= 0 ? stepIndex
                : beginAt >= 0 ? beginAt : SigmaMath.indexForTimestep(schedule, timestep);
        if (index >= schedule.length || schedule[index] != timestep) {
            throw new IllegalArgumentException(scheduler + ": expected timestep "
                    + (index < schedule.length ? schedule[index] : "none (all steps done)") + " at step " + index
                    + ", got " + timestep);
        }
        return index;
    }

    static int originalSteps(SchedulerConfig config, int numTrain) {
        int originalSteps = config.getInt("original_inference_steps", 50);
        if (originalSteps < 1 || originalSteps > numTrain) {
            throw new IllegalArgumentException("Scheduler config 'original_inference_steps' must be between 1 and "
                    + numTrain + " (num_train_timesteps), got " + originalSteps);
        }
        return originalSteps;
    }

    private static double[] checkedCustom(double[] timesteps, int numTrain) {
        for (int i = 0; i < timesteps.length; i++) {
            double t = timesteps[i];
            if (t != Math.rint(t) || t < 0 || t >= numTrain) {
                throw new IllegalArgumentException("timesteps must be integers in [0, " + numTrain + "), got " + t);
            }
            if (i > 0 && t >= timesteps[i - 1]) {
                throw new IllegalArgumentException("timesteps must be in descending order, got " + timesteps[i - 1]
                        + " then " + t);
            }
        }
        return timesteps;
    }
}

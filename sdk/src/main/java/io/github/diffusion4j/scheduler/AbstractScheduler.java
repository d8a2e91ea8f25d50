package io.github.diffusion4j.scheduler;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * What every scheduler port shares: its name and config, the {@link TimestepPlan} handling (unsupported parts
 * refused, the image-to-image cut and begin index of diffusers' {@code get_timesteps}/{@code set_begin_index}) and
 * the "call setTimesteps first" bookkeeping, and the defaults of the variance-preserving schedulers (unit initial
 * noise, unscaled model input, first order), which the sigma-space and second-order ports override. Subclasses build
 * the full schedule in {@link #schedule(TimestepPlan)}.
 */
abstract class AbstractScheduler implements Scheduler {

    /** The optional parts of a {@link TimestepPlan} a scheduler may accept. */
    enum PlanPart { SIGMAS, TIMESTEPS, MU }

    private final String name;
    protected final SchedulerConfig config;
    private double[] fullTimesteps;
    private int beginIndex = -1;

    protected AbstractScheduler(String name, SchedulerConfig config) {
        this.name = name;
        this.config = config;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final SchedulerConfig config() {
        return config;
    }

    @Override
    public final void setTimesteps(int numInferenceSteps) {
        setTimesteps(TimestepPlan.of(numInferenceSteps));
    }

    @Override
    public final void setTimesteps(TimestepPlan plan) {
        if (plan == null) {
            throw new IllegalArgumentException("plan must not be null");
        }
        Set<PlanPart> supported = supportedPlanParts();
        refuse(plan.sigmas() != null && !supported.contains(PlanPart.SIGMAS), "sigmas");
        refuse(plan.timesteps() != null && !supported.contains(PlanPart.TIMESTEPS), "timesteps");
        refuse(plan.mu().isPresent() && !supported.contains(PlanPart.MU), "mu");
        fullTimesteps = null;
        double[] full = schedule(plan);
        int begin = -1;
        if (plan.strength().isPresent()) {
            begin = plan.skippedSteps() * order();
            if (begin >= full.length) {
                throw new IllegalArgumentException("strength " + plan.strength().getAsDouble() + " leaves no step of"
                        + " the " + full.length + "-entry schedule of " + name);
            }
        }
        fullTimesteps = full;
        beginIndex = begin;
        onBeginIndex(begin);
    }

    private void refuse(boolean unsupported, String field) {
        if (unsupported) {
            throw new IllegalArgumentException(field + " in the timestep plan is not supported by " + name
                    + " (diffusers' " + getClass().getSimpleName() + " has no custom " + field + ")");
        }
    }

    /** Builds the full schedule for {@code plan} (without the strength cut), resets all state, returns timesteps. */
    protected abstract double[] schedule(TimestepPlan plan);

    /** The optional plan parts this scheduler implements; none by default. */
    protected Set<PlanPart> supportedPlanParts() {
        return EnumSet.noneOf(PlanPart.class);
    }

    /** Called after every {@code setTimesteps} with the begin index, or -1 when no strength was given. */
    protected void onBeginIndex(int beginIndex) {
    }

    /** The variance-preserving schedulers' {@code init_noise_sigma}: the initial latent is unit Gaussian noise. */
    @Override
    public double initNoiseSigma() {
        return 1.0;
    }

    /** The variance-preserving schedulers' {@code scale_model_input}: the model takes the sample as it is. */
    @Override
    public float[] scaleModelInput(float[] sample, double timestep) {
        return sample;
    }

    /** diffusers' {@code order} class attribute: model evaluations per step, 1 but for the second-order solvers. */
    @Override
    public int order() {
        return 1;
    }

    @Override
    public final double[] timesteps() {
        requireSet();
        return Arrays.copyOfRange(fullTimesteps, Math.max(beginIndex, 0), fullTimesteps.length);
    }

    /** The whole schedule, including the entries an image-to-image strength skips. */
    protected final double[] fullTimesteps() {
        requireSet();
        return fullTimesteps;
    }

    /** diffusers' {@code begin_index}: where an image-to-image run enters the schedule, or -1. */
    protected final int beginIndex() {
        return beginIndex;
    }

    protected final boolean isSet() {
        return fullTimesteps != null;
    }

    protected final void requireSet() {
        if (fullTimesteps == null) {
            throw Checks.notSet(name);
        }
    }
}

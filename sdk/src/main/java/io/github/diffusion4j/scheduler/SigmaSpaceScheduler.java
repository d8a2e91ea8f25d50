package io.github.diffusion4j.scheduler;

import java.util.OptionalDouble;

/**
 * The schedulers that walk a sigma schedule with diffusers' {@code _step_index}/{@code begin_index} bookkeeping
 * ({@code scheduling_euler_discrete.py} and its copies): the {@link SigmaState} they share, which takes the begin
 * index of an image-to-image run and reports the sigma of each step.
 */
abstract class SigmaSpaceScheduler extends AbstractScheduler {

    protected final SigmaState state;

    protected SigmaSpaceScheduler(String name, SchedulerConfig config) {
        this(name, config, name);
    }

    /** @param stateName the scheduler name the step bookkeeping's error messages use */
    protected SigmaSpaceScheduler(String name, SchedulerConfig config, String stateName) {
        super(name, config);
        this.state = new SigmaState(stateName);
    }

    @Override
    protected final void onBeginIndex(int beginIndex) {
        state.setBeginIndex(beginIndex);
    }

    @Override
    public final OptionalDouble sigmaAt(int stepIndex) {
        return state.sigmaAt(stepIndex);
    }
}

package io.github.diffusion4j.scheduler;

import java.util.List;

/**
 * The timestep_spacing rules of diffusers' set_timesteps (linspace, leading, trailing) for integer-timestep
 * schedulers (scheduling_ddim.py) and float-timestep ones (scheduling_euler_discrete.py).
 */
final class Spacings {

    static final List<String> SPACINGS = List.of("linspace", "leading", "trailing");

    private Spacings() {
    }

    /** DDIM/DDPM integer timesteps for the three spacings (scheduling_ddim.py set_timesteps), descending. */
    static double[] integerTimesteps(String spacing, int numTrain, int steps, int stepsOffset) {
        double[] out = new double[steps];
        switch (spacing) {
            case "linspace": {
                double[] lin = ArrayMath.numpyLinspace(0, numTrain - 1, steps);
                for (int i = 0; i < steps; i++) {
                    out[i] = ArrayMath.roundHalfEven(lin[steps - 1 - i]);
                }
                return out;
            }
            case "leading": {
                long ratio = numTrain / steps;
                if ((steps - 1) * ratio + stepsOffset > numTrain - 1) {
                    // diffusers indexes past alphas_cumprod here (an IndexError); say what the limit is instead.
                    int max = steps - 1;
                    while (max > 1 && (max - 1) * (long) (numTrain / max) + stepsOffset > numTrain - 1) {
                        max--;
                    }
                    throw new IllegalArgumentException("steps must be between 1 and " + max + " with timestep_spacing"
                            + " 'leading' and steps_offset " + stepsOffset + " (larger counts step past timestep "
                            + (numTrain - 1) + "), got " + steps);
                }
                for (int i = 0; i < steps; i++) {
                    out[i] = (double) ((steps - 1 - i) * ratio + stepsOffset);
                }
                return out;
            }
            default: {
                double[] ar = ArrayMath.numpyArange(numTrain, 0, -((double) numTrain / steps));
                double[] res = new double[ar.length];
                for (int i = 0; i < ar.length; i++) {
                    res[i] = (double) ((long) ArrayMath.roundHalfEven(ar[i]) - 1);
                }
                return res;
            }
        }
    }

    /** Euler / Euler ancestral / LMS timesteps (scheduling_euler_discrete.py set_timesteps), float32, descending. */
    static double[] floatTimesteps(String spacing, int numTrain, int steps, int stepsOffset) {
        switch (spacing) {
            case "linspace": {
                double[] lin = ArrayMath.numpyLinspace(0, numTrain - 1, steps);
                double[] out = new double[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = (float) lin[steps - 1 - i];
                }
                return out;
            }
            case "leading": {
                double[] out = new double[steps];
                long ratio = numTrain / steps;
                for (int i = 0; i < steps; i++) {
                    out[i] = (float) ((float) ((steps - 1 - i) * ratio) + (float) stepsOffset);
                }
                return out;
            }
            default: {
                double[] ar = ArrayMath.numpyArange(numTrain, 0, -((double) numTrain / steps));
                double[] out = new double[ar.length];
                for (int i = 0; i < ar.length; i++) {
                    out[i] = (float) ((float) ArrayMath.roundHalfEven(ar[i]) - 1f);
                }
                return out;
            }
        }
    }

    /**
     * The integer timesteps of diffusers' multistep solvers (set_timesteps of scheduling_dpmsolver_multistep.py,
     * scheduling_unipc_multistep.py, scheduling_deis_multistep.py): linspace and leading over {@code steps + 1}
     * points with the last dropped, trailing as the other schedulers; {@code last} is the exclusive upper timestep
     * (below num_train_timesteps when lambda_min_clipped cuts the schedule).
     */
    static double[] multistepTimesteps(String spacing, int last, int numTrain, int steps, int stepsOffset) {
        switch (spacing) {
            case "linspace": {
                double[] lin = ArrayMath.numpyLinspace(0, last - 1, steps + 1);
                double[] out = new double[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = (long) ArrayMath.roundHalfEven(lin[steps - i]);
                }
                return out;
            }
            case "leading": {
                long ratio = last / (steps + 1);
                double[] out = new double[steps];
                for (int i = 0; i < steps; i++) {
                    out[i] = (steps - i) * ratio + stepsOffset;
                }
                return out;
            }
            default: {
                double[] ar = ArrayMath.numpyArange(last, 0, -((double) numTrain / steps));
                double[] out = new double[ar.length];
                for (int i = 0; i < ar.length; i++) {
                    out[i] = (long) ArrayMath.roundHalfEven(ar[i]) - 1;
                }
                return out;
            }
        }
    }
}

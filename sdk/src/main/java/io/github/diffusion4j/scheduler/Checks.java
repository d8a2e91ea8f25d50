package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.Locale;

/**
 * Argument checks and error messages shared by the schedulers.
 */
final class Checks {

    private Checks() {
    }

    static void checkSteps(int steps, int numTrain) {
        if (steps < 1 || steps > numTrain) {
            throw new IllegalArgumentException("steps must be between 1 and " + numTrain
                    + " (the scheduler's num_train_timesteps), got " + steps);
        }
    }

    static void rejectIfTrue(SchedulerConfig config, String key, String scheduler) {
        if (config.getBoolean(key, false)) {
            throw new IllegalArgumentException("Scheduler config '" + key + "' = true is not supported by "
                    + scheduler);
        }
    }

    static void checkSameLength(float[] a, float[] b) {
        if (a == null || b == null) {
            throw new IllegalArgumentException("sample and model output must not be null");
        }
        if (a.length != b.length) {
            throw new IllegalArgumentException("model output has " + a.length + " values but the sample has "
                    + b.length);
        }
    }

    static float[] draw(NoiseGenerator generator, int count, String scheduler) {
        if (generator == null) {
            throw new IllegalArgumentException(scheduler + " is stochastic here and needs a NoiseGenerator");
        }
        float[] noise = generator.randn(count);
        if (noise == null || noise.length != count) {
            throw new IllegalStateException("NoiseGenerator returned " + (noise == null ? "null" : noise.length
                    + " values") + " instead of " + count);
        }
        return noise;
    }

    static IllegalStateException notSet(String scheduler) {
        return new IllegalStateException(scheduler + ": call setTimesteps(numInferenceSteps) first");
    }

    static String preview(double[] values) {
        StringBuilder sb = new StringBuilder("[");
        int shown = Math.min(values.length, 8);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(String.format(Locale.ROOT, "%s", values[i]));
        }
        if (values.length > shown) {
            sb.append(", ... (").append(values.length).append(" total)");
        }
        return sb.append(']').toString();
    }
}

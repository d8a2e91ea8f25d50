package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Numerics shared by the scheduler ports: the noise schedule (betas, cumulative alphas), the timestep spacings and the
 * sigma helpers of the k-diffusion style schedulers.
 * <p>
 * diffusers mixes torch float32 tensors and numpy float64 arrays; the schedule values are reproduced with the same
 * precision at each stage (float32 where diffusers holds a float32 tensor, float64 where it uses numpy), because the
 * integer timesteps and the sigma interpolation depend on those exact values. Sample arithmetic is done in double.
 */
final class SchedulerSupport {

    static final List<String> SPACINGS = List.of("linspace", "leading", "trailing");
    static final List<String> BETA_SCHEDULES = List.of("linear", "scaled_linear", "squaredcos_cap_v2");
    static final List<String> ALL_PREDICTIONS = List.of("epsilon", "v_prediction", "sample");

    /** Width of torch's AVX2 float vectors, which decides how torch.linspace groups its float32 arithmetic. */
    private static final int TORCH_FLOAT_LANES = 8;

    private SchedulerSupport() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // Noise schedule

    /**
     * The settings every scheduler reads to build its training noise schedule. Defaults are the same in all ported
     * diffusers classes (1000 steps, linear 1e-4 .. 0.02).
     */
    static float[] alphasCumprod(SchedulerConfig config, boolean sigmoidAllowed, boolean rescaleAllowed) {
        float[] betas = betas(config, sigmoidAllowed);
        if (rescaleAllowed && config.getBoolean("rescale_betas_zero_snr", false)) {
            betas = rescaleZeroTerminalSnr(betas);
        }
        return cumprod(betas);
    }

    static int numTrainTimesteps(SchedulerConfig config) {
        double[] trained = config.getDoubleArray("trained_betas");
        int fallback = trained != null ? trained.length : 1000;
        int n = config.getInt("num_train_timesteps", fallback);
        if (n < 1) {
            throw new IllegalArgumentException("Scheduler config 'num_train_timesteps' must be >= 1, got " + n);
        }
        if (trained != null && trained.length != n) {
            throw new IllegalArgumentException("Scheduler config 'trained_betas' has " + trained.length
                    + " values but 'num_train_timesteps' is " + n);
        }
        return n;
    }

    private static float[] betas(SchedulerConfig config, boolean sigmoidAllowed) {
        int n = numTrainTimesteps(config);
        double[] trained = config.getDoubleArray("trained_betas");
        if (trained != null) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) trained[i];
            }
            return out;
        }
        double start = config.getDouble("beta_start", 0.0001);
        double end = config.getDouble("beta_end", 0.02);
        List<String> allowed = new ArrayList<>(BETA_SCHEDULES);
        if (sigmoidAllowed) {
            allowed.add("sigmoid");
        }
        String schedule = config.getEnum("beta_schedule", "linear", allowed);
        switch (schedule) {
            case "linear":
                return torchLinspace((float) start, (float) end, n);
            case "scaled_linear": {
                // scheduling_ddpm.py: linspace of the square roots in float32, squared in float32.
                float[] roots = torchLinspace((float) Math.pow(start, 0.5), (float) Math.pow(end, 0.5), n);
                for (int i = 0; i < n; i++) {
                    roots[i] = roots[i] * roots[i];
                }
                return roots;
            }
            case "squaredcos_cap_v2":
                return betasForAlphaBar(n);
            default: {
                // scheduling_ddpm.py "sigmoid" (GeoDiff): float32 sigmoid of linspace(-6, 6), scaled to [start, end].
                float[] x = torchLinspace(-6f, 6f, n);
                float scale = (float) (end - start);
                float offset = (float) start;
                for (int i = 0; i < n; i++) {
                    float s = (float) (1.0 / (1.0 + Math.exp(-(double) x[i])));
                    float scaled = s * scale;
                    x[i] = scaled + offset;
                }
                return x;
            }
        }
    }

    /** scheduling_ddpm.py betas_for_alpha_bar (cosine): computed in Python floats, stored as float32. */
    private static float[] betasForAlphaBar(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            out[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }
        return out;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** scheduling_ddim.py rescale_zero_terminal_snr (arXiv 2305.08891, Algorithm 1), all in float32 like torch. */
    private static float[] rescaleZeroTerminalSnr(float[] betas) {
        int n = betas.length;
        float[] cum = cumprod(betas);
        float[] root = new float[n];
        for (int i = 0; i < n; i++) {
            root[i] = (float) Math.sqrt(cum[i]);
        }
        float first = root[0];
        float last = root[n - 1];
        float scale = first / (first - last);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float shifted = (root[i] - last) * scale;
            bar[i] = shifted * shifted;
        }
        float[] out = new float[n];
        out[0] = 1f - bar[0];
        for (int i = 1; i < n; i++) {
            out[i] = 1f - bar[i] / bar[i - 1];
        }
        return out;
    }

    /** alphas = 1 - betas in float32, then torch.cumprod, which accumulates float32 input in double. */
    private static float[] cumprod(float[] betas) {
        float[] out = new float[betas.length];
        double acc = 1.0;
        for (int i = 0; i < betas.length; i++) {
            acc *= 1f - betas[i];
            out[i] = (float) acc;
        }
        return out;
    }

    /**
     * torch.linspace(start, end, steps, dtype=float32) as torch's CPU kernel computes it: the first half counts up from
     * {@code start}, the second half down from {@code end}, in blocks of vector lanes whose base is a fused
     * multiply-add. Matching it keeps the betas identical to torch's bit for bit on AVX2 builds.
     */
    static float[] torchLinspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        int vectorized = steps / TORCH_FLOAT_LANES * TORCH_FLOAT_LANES;
        for (int block = 0; block < vectorized; block += TORCH_FLOAT_LANES) {
            float base = block < halfway
                    ? Math.fma(step, (float) block, start)
                    : Math.fma(-step, (float) (steps - block - 1), end);
            for (int k = 0; k < TORCH_FLOAT_LANES; k++) {
                out[block + k] = base + (float) k * step;
            }
        }
        for (int i = vectorized; i < steps; i++) {
            out[i] = i < halfway
                    ? Math.fma(step, (float) i, start)
                    : Math.fma(-step, (float) (steps - i - 1), end);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------------------
    // numpy float64 helpers used by set_timesteps

    /** numpy.linspace(start, stop, num) with endpoint: {@code i * step + start}, the last value exactly {@code stop}. */
    static double[] numpyLinspace(double start, double stop, int num) {
        double[] out = new double[num];
        int div = num - 1;
        double delta = stop - start;
        if (div <= 0) {
            if (num == 1) {
                out[0] = start;
            }
            return out;
        }
        double step = delta / div;
        for (int i = 0; i < num; i++) {
            out[i] = step == 0 ? (double) i / div * delta + start : i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }

    /**
     * numpy.arange(start, stop, step) for float steps: length {@code ceil((stop - start) / step)}, then numpy's fill
     * rule {@code start + i * ((start + step) - start)}, which is why trailing spacing can differ from a naive loop.
     */
    static double[] numpyArange(double start, double stop, double step) {
        double count = Math.ceil((stop - start) / step);
        int len = count > 0 ? (int) count : 0;
        double[] out = new double[len];
        if (len == 0) {
            return out;
        }
        out[0] = start;
        if (len > 1) {
            out[1] = start + step;
            double delta = out[1] - start;
            for (int i = 2; i < len; i++) {
                out[i] = start + i * delta;
            }
        }
        return out;
    }

    /** numpy.interp(x, arange(len(fp)), fp) in float64. */
    static double interpOnIndexGrid(double x, float[] fp) {
        int last = fp.length - 1;
        if (x >= last) {
            return fp[last];
        }
        if (x <= 0) {
            return fp[0];
        }
        int j = (int) Math.floor(x);
        if (j == x) {
            return fp[j];
        }
        double slope = ((double) fp[j + 1] - fp[j]) / 1.0;
        return slope * (x - j) + fp[j];
    }

    /** Python/numpy round(): half to even. */
    static double roundHalfEven(double v) {
        return Math.rint(v);
    }

    /** DDIM/DDPM integer timesteps for the three spacings (scheduling_ddim.py set_timesteps), descending. */
    static double[] integerTimesteps(String spacing, int numTrain, int steps, int stepsOffset) {
        double[] out = new double[steps];
        switch (spacing) {
            case "linspace": {
                double[] lin = numpyLinspace(0, numTrain - 1, steps);
                for (int i = 0; i < steps; i++) {
                    out[i] = roundHalfEven(lin[steps - 1 - i]);
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
                double[] ar = numpyArange(numTrain, 0, -((double) numTrain / steps));
                double[] res = new double[ar.length];
                for (int i = 0; i < ar.length; i++) {
                    res[i] = (double) ((long) roundHalfEven(ar[i]) - 1);
                }
                return res;
            }
        }
    }

    /** Euler / Euler ancestral / LMS timesteps (scheduling_euler_discrete.py set_timesteps), float32, descending. */
    static double[] floatTimesteps(String spacing, int numTrain, int steps, int stepsOffset) {
        switch (spacing) {
            case "linspace": {
                double[] lin = numpyLinspace(0, numTrain - 1, steps);
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
                double[] ar = numpyArange(numTrain, 0, -((double) numTrain / steps));
                double[] out = new double[ar.length];
                for (int i = 0; i < ar.length; i++) {
                    out[i] = (float) ((float) roundHalfEven(ar[i]) - 1f);
                }
                return out;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Sigma helpers (k-diffusion style schedulers)

    /** ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5, computed on the float32 tensor like diffusers. */
    static float[] trainingSigmas(float[] alphasCumprod) {
        float[] out = new float[alphasCumprod.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sigmaFromAlphaCumprod(alphasCumprod[i]);
        }
        return out;
    }

    static float sigmaFromAlphaCumprod(float alphaCumprod) {
        float ratio = (1f - alphaCumprod) / alphaCumprod;
        return (float) Math.sqrt(ratio);
    }

    /** np.log on the float32 sigma array. */
    static float[] logOf(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.log(values[i]);
        }
        return out;
    }

    /**
     * scheduling_euler_discrete.py _sigma_to_t: the fractional training timestep whose log-sigma brackets
     * {@code sigma}, with numpy's mixed float32/float64 promotion (the bracket width is a float32 subtraction).
     */
    static double sigmaToT(double sigma, float[] sigmas, float[] logSigmas) {
        // A sigma that is one of the training sigmas maps to its own timestep. numpy's answer hinges on which way its
        // float32 log rounds there (e.g. the Karras endpoints), which differs between builds; the exact index is
        // what the interpolation means and what diffusers gets when the rounding does not cross the bracket.
        float asFloat = (float) sigma;
        for (int i = 0; i < sigmas.length; i++) {
            if (sigmas[i] == asFloat) {
                return i;
            }
        }
        double logSigma = Math.log(Math.max(sigma, 1e-10));
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        int high = low + 1;
        float lowValue = logSigmas[low];
        float highValue = logSigmas[high];
        float width = lowValue - highValue;
        double w = (lowValue - logSigma) / (double) width;
        w = Math.max(0, Math.min(1, w));
        return (1 - w) * low + w * high;
    }

    /** The Karras et al. (2022) schedule, rho = 7 (scheduling_euler_discrete.py _convert_to_karras), float64. */
    static double[] karrasSigmas(double sigmaMin, double sigmaMax, int steps) {
        double rho = 7.0;
        double[] ramp = numpyLinspace(0, 1, steps);
        double minInvRho = Math.pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.pow(sigmaMax, 1 / rho);
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        }
        return out;
    }

    static float max(float[] values) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /**
     * diffusers' index_for_timestep: the position of {@code timestep} in the schedule, the second one when it occurs
     * more than once (so that a schedule entered mid-way does not skip a sigma).
     */
    static int indexForTimestep(double[] timesteps, double timestep) {
        int first = -1;
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == timestep) {
                if (first >= 0) {
                    return i;
                }
                first = i;
            }
        }
        if (first < 0) {
            throw new IllegalArgumentException("Timestep " + timestep + " is not in the schedule " + preview(timesteps));
        }
        return first;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Validation

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

    static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}

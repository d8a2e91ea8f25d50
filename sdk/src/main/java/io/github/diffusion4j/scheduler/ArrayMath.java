package io.github.diffusion4j.scheduler;

import java.util.Deque;
import java.util.Iterator;

/**
 * numpy and torch array primitives as those libraries compute them (torch.linspace's float32 kernel, numpy's
 * linspace/arange fill rules, numpy.interp, round half to even), so schedules match diffusers bit for bit.
 */
final class ArrayMath {

    private ArrayMath() {
    }

    /** Width of torch's AVX2 float vectors, which decides how torch.linspace groups its float32 arithmetic. */
    private static final int TORCH_FLOAT_LANES = 8;

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

    /**
     * numpy.linspace(start, stop, num) with endpoint: {@code i * step + start}, the last value exactly {@code stop}.
     */
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
     * numpy.linspace(start, stop, num, endpoint=False): {@code i * step + start}, {@code step = (stop - start) / num}.
     */
    static double[] numpyLinspaceExclusive(double start, double stop, int num) {
        double step = (stop - start) / num;
        double[] out = new double[num];
        for (int i = 0; i < num; i++) {
            out[i] = i * step + start;
        }
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

    /** np.log on the float32 sigma array. */
    static float[] logOf(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.log(values[i]);
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

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** The entries of a history kept oldest first (a multistep solver's model outputs), newest first. */
    static double[][] newestFirst(Deque<double[]> history) {
        double[][] out = new double[history.size()][];
        Iterator<double[]> it = history.descendingIterator();
        for (int i = 0; it.hasNext(); i++) {
            out[i] = it.next();
        }
        return out;
    }

    /** The values in float32 followed by {@code last} (a sigma schedule and its final sigma). */
    static float[] toFloatWithLast(double[] values, float last) {
        float[] out = new float[values.length + 1];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        out[values.length] = last;
        return out;
    }

    static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}

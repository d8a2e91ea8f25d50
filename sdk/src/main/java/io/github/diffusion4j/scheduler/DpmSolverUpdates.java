package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.scheduler.VariancePreserving.Level;

import java.util.List;

/**
 * The update rules of diffusers' {@code scheduling_dpmsolver_singlestep.py} ({@code dpm_solver_first_order_update},
 * {@code singlestep_dpm_solver_second_order_update}, {@code singlestep_dpm_solver_third_order_update}) for the three
 * algorithm types and both solver types. Each starts from the sample at the beginning of its single-step group
 * (sigma index {@code index - order + 1}) and ends at sigma {@code index + 1}.
 */
final class DpmSolverUpdates {

    private DpmSolverUpdates() {
    }

    /** Coefficients of x_t = cx x + c0 D0 + c1 D1 + c2 D2 + cn noise. */
    private record Terms(double cx, double c0, double c1, double c2, double cn) {
    }

    static float[] singlestep(String algorithm, boolean heun, int order, SigmaState state, int index,
                              List<double[]> outputs, float[] sample, float[] noise) {
        Level t = Level.of(state.sigma(index + 1));
        Level s = Level.of(state.sigma(index - order + 1));
        int n = sample.length;
        double[] m0 = outputs.get(outputs.size() - 1);
        double[][] d = new double[3][];
        Terms terms;
        if (order == 1) {
            d[0] = m0;
            terms = first(algorithm, t, s, t.lambda() - s.lambda());
        } else if (order == 2) {
            double[] m1 = outputs.get(outputs.size() - 2);
            Level s0 = Level.of(state.sigma(index));
            double h = t.lambda() - s.lambda();
            double r0 = (s0.lambda() - s.lambda()) / h;
            d[0] = m1;
            d[1] = new double[n];
            for (int i = 0; i < n; i++) {
                d[1][i] = (1.0 / r0) * (m0[i] - m1[i]);
            }
            terms = second(algorithm, heun, t, s, h);
        } else {
            double[] m1 = outputs.get(outputs.size() - 2);
            double[] m2 = outputs.get(outputs.size() - 3);
            Level s0 = Level.of(state.sigma(index));
            Level s1 = Level.of(state.sigma(index - 1));
            double h = t.lambda() - s.lambda();
            double r0 = (s0.lambda() - s.lambda()) / h;
            double r1 = (s1.lambda() - s.lambda()) / h;
            d[0] = m2;
            d[1] = new double[n];
            d[2] = new double[n];
            for (int i = 0; i < n; i++) {
                double d10 = (1.0 / r1) * (m1[i] - m2[i]);
                double d11 = (1.0 / r0) * (m0[i] - m2[i]);
                // midpoint uses D1_1 directly; heun the extrapolated D1 and the second difference D2.
                d[1][i] = heun ? (r0 * d10 - r1 * d11) / (r0 - r1) : d11;
                d[2][i] = 2.0 * (d11 - d10) / (r0 - r1);
            }
            terms = third(algorithm, heun, t, s, h);
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double v = terms.cx() * sample[i] + terms.c0() * d[0][i];
            if (d[1] != null) {
                v += terms.c1() * d[1][i];
            }
            if (d[2] != null && terms.c2() != 0) {
                v += terms.c2() * d[2][i];
            }
            if (noise != null) {
                v += terms.cn() * noise[i];
            }
            out[i] = (float) v;
        }
        return out;
    }

    private static double sdeNoise(Level t, double h) {
        return t.sigma() * Math.sqrt(1.0 - Math.exp(-2 * h));
    }

    private static Terms first(String algorithm, Level t, Level s, double h) {
        return switch (algorithm) {
            case "dpmsolver++" -> new Terms(t.sigma() / s.sigma(), -(t.alpha() * (Math.exp(-h) - 1.0)), 0, 0, 0);
            case "dpmsolver" -> new Terms(t.alpha() / s.alpha(), -(t.sigma() * (Math.exp(h) - 1.0)), 0, 0, 0);
            default -> new Terms(t.sigma() / s.sigma() * Math.exp(-h), t.alpha() * (1 - Math.exp(-2.0 * h)), 0, 0,
                    sdeNoise(t, h));
        };
    }

    private static Terms second(String algorithm, boolean heun, Level t, Level s, double h) {
        switch (algorithm) {
            case "dpmsolver++": {
                double e = t.alpha() * (Math.exp(-h) - 1.0);
                double c1 = heun ? t.alpha() * ((Math.exp(-h) - 1.0) / h + 1.0) : -0.5 * e;
                return new Terms(t.sigma() / s.sigma(), -e, c1, 0, 0);
            }
            case "dpmsolver": {
                double e = t.sigma() * (Math.exp(h) - 1.0);
                double c1 = heun ? -(t.sigma() * ((Math.exp(h) - 1.0) / h - 1.0)) : -0.5 * e;
                return new Terms(t.alpha() / s.alpha(), -e, c1, 0, 0);
            }
            default: {
                double e = t.alpha() * (1 - Math.exp(-2.0 * h));
                double c1 = heun ? t.alpha() * ((1.0 - Math.exp(-2.0 * h)) / (-2.0 * h) + 1.0) : 0.5 * e;
                return new Terms(t.sigma() / s.sigma() * Math.exp(-h), e, c1, 0, sdeNoise(t, h));
            }
        }
    }

    private static Terms third(String algorithm, boolean heun, Level t, Level s, double h) {
        switch (algorithm) {
            case "dpmsolver++": {
                double c1 = t.alpha() * ((Math.exp(-h) - 1.0) / h + 1.0);
                double c2 = heun ? -(t.alpha() * ((Math.exp(-h) - 1.0 + h) / (h * h) - 0.5)) : 0;
                return new Terms(t.sigma() / s.sigma(), -(t.alpha() * (Math.exp(-h) - 1.0)), c1, c2, 0);
            }
            case "dpmsolver": {
                double c1 = -(t.sigma() * ((Math.exp(h) - 1.0) / h - 1.0));
                double c2 = heun ? -(t.sigma() * ((Math.exp(h) - 1.0 - h) / (h * h) - 0.5)) : 0;
                return new Terms(t.alpha() / s.alpha(), -(t.sigma() * (Math.exp(h) - 1.0)), c1, c2, 0);
            }
            default: {
                double c1 = t.alpha() * ((1.0 - Math.exp(-2.0 * h)) / (-2.0 * h) + 1.0);
                double c2 = heun ? t.alpha() * ((1.0 - Math.exp(-2.0 * h) + (-2.0 * h)) / (4.0 * h * h) - 0.5) : 0;
                return new Terms(t.sigma() / s.sigma() * Math.exp(-h), t.alpha() * (1.0 - Math.exp(-2.0 * h)), c1,
                        c2, sdeNoise(t, h));
            }
        }
    }
}

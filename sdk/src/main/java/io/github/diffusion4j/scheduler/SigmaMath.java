package io.github.diffusion4j.scheduler;

/**
 * Sigma helpers of the k-diffusion style schedulers (scheduling_euler_discrete.py: training sigmas, _sigma_to_t,
 * _convert_to_karras, index_for_timestep), with numpy's mixed float32/float64 promotion.
 */
final class SigmaMath {

    private SigmaMath() {
    }

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
        double[] ramp = ArrayMath.numpyLinspace(0, 1, steps);
        double minInvRho = Math.pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.pow(sigmaMax, 1 / rho);
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        }
        return out;
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
            throw new IllegalArgumentException("Timestep " + timestep + " is not in the schedule "
                    + Checks.preview(timesteps));
        }
        return first;
    }

    /** scheduling_euler_discrete.py _convert_to_exponential: exp(linspace(log max, log min, steps)), float64. */
    static double[] exponentialSigmas(double sigmaMin, double sigmaMax, int steps) {
        double[] logs = ArrayMath.numpyLinspace(Math.log(sigmaMax), Math.log(sigmaMin), steps);
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = Math.exp(logs[i]);
        }
        return out;
    }

    /**
     * x0 from the model output at noise level {@code sigma} of the variance-exploding parameterisation
     * x = x0 + sigma eps (scheduling_heun_discrete.py step), in float32 like diffusers' tensors.
     */
    static float predictOriginal(PredictionType prediction, float sample, float modelOutput, float sigma) {
        switch (prediction) {
            case EPSILON:
                return sample - sigma * modelOutput;
            case V_PREDICTION: {
                float squaredPlusOne = sigma * sigma + 1f;
                return modelOutput * (-sigma / (float) Math.sqrt(squaredPlusOne)) + sample / squaredPlusOne;
            }
            case SAMPLE:
                return modelOutput;
            default:
                throw new IllegalArgumentException("prediction type " + prediction + " has no sigma-space form");
        }
    }
}

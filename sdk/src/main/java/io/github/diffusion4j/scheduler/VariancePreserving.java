package io.github.diffusion4j.scheduler;

/**
 * The variance-preserving parameterisation {@code x_t = alpha_t x_0 + sigma_t eps} that diffusers' DDPM family
 * ({@code scheduling_ddpm.py}, {@code scheduling_ddim.py}, {@code scheduling_lcm.py}, {@code scheduling_tcd.py}:
 * {@code alpha_t = sqrt(alpha_bar_t)}, {@code sigma_t = sqrt(1 - alpha_bar_t)}) and its DPM-Solver family
 * ({@code scheduling_dpmsolver_multistep.py} {@code _sigma_to_alpha_sigma_t} and {@code convert_model_output}, copied
 * into the DEIS, single-step DPM-Solver and UniPC schedulers) share: the x0 and noise a model prediction stands for,
 * and the forward process, in float64 like diffusers' scalar coefficients.
 */
final class VariancePreserving {

    private VariancePreserving() {
    }

    /** One noise level: alpha_t, sigma_t and lambda_t = log alpha_t - log sigma_t of a k-diffusion sigma. */
    record Level(double alpha, double sigma, double lambda) {
        static Level of(double kSigma) {
            double alpha = alphaOf(kSigma);
            double sigma = kSigma * alpha;
            return new Level(alpha, sigma, Math.log(alpha) - Math.log(sigma));
        }
    }

    /** _sigma_to_alpha_sigma_t: alpha_t = 1 / sqrt(sigma^2 + 1) of a k-diffusion sigma (sigma_t = sigma alpha_t). */
    static double alphaOf(double kSigma) {
        return 1 / Math.sqrt(kSigma * kSigma + 1);
    }

    /** The x0 the model output {@code m} at sample {@code x} predicts (v-prediction for every other type). */
    static double originalSample(PredictionType prediction, double x, double m, double alpha, double sigma) {
        return switch (prediction) {
            case EPSILON -> (x - sigma * m) / alpha;
            case SAMPLE -> m;
            default -> alpha * x - sigma * m;
        };
    }

    /** The noise the model output {@code m} at sample {@code x} predicts (v-prediction for every other type). */
    static double noise(PredictionType prediction, double x, double m, double alpha, double sigma) {
        return switch (prediction) {
            case EPSILON -> m;
            case SAMPLE -> (x - alpha * m) / sigma;
            default -> alpha * m + sigma * x;
        };
    }

    /**
     * {@link #originalSample} in float32, one rounding per operation, as diffusers computes it on float32 tensors with
     * coefficients from {@code alphas_cumprod}'s float32 0-dim tensors (DDPM, DDIM, LCM, TCD steps).
     */
    static float originalSampleF32(PredictionType prediction, float x, float m, float alpha, float sigma) {
        return switch (prediction) {
            case EPSILON -> (x - sigma * m) / alpha;
            case SAMPLE -> m;
            default -> alpha * x - sigma * m;
        };
    }

    /** {@link #noise} in float32 (see {@link #originalSampleF32}). */
    static float noiseF32(PredictionType prediction, float x, float m, float alpha, float sigma) {
        return switch (prediction) {
            case EPSILON -> m;
            case SAMPLE -> (x - alpha * m) / sigma;
            default -> alpha * m + sigma * x;
        };
    }

    /** torch's float32 {@code sqrt} / {@code ** 0.5}: a float's double root rounds to the correctly rounded root. */
    static float sqrtF32(float x) {
        return (float) Math.sqrt(x);
    }

    /** x0 clamped to [-range, range] ({@code clip_sample}). */
    static double clip(double x0, double range) {
        return Math.max(-range, Math.min(range, x0));
    }

    /** add_noise: alpha_t x_0 + sigma_t noise. */
    static float[] forwardNoise(float[] original, float[] noise, double alpha, double sigma) {
        float[] out = new float[original.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (alpha * original[i] + sigma * noise[i]);
        }
        return out;
    }

    /** scheduling_ddpm.py add_noise: sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise at training step t. */
    static float[] forwardNoise(float[] alphasCumprod, float[] original, float[] noise, int t) {
        double a = alphasCumprod[t];
        return forwardNoise(original, noise, Math.sqrt(a), Math.sqrt(1 - a));
    }

    /** add_noise of the DDPM family at an integer training timestep, checked to lie in [0, numTrain). */
    static float[] addNoiseAtTrainingTimestep(float[] alphasCumprod, int numTrain, float[] original, float[] noise,
                                              double timestep) {
        Checks.checkSameLength(noise, original);
        if (timestep != Math.rint(timestep) || timestep < 0 || timestep >= numTrain) {
            throw new IllegalArgumentException("Timestep " + timestep + " is not an integer in [0, " + numTrain + ")");
        }
        return forwardNoise(alphasCumprod, original, noise, (int) timestep);
    }
}

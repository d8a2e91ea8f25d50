package io.github.diffusion4j.noise;

/**
 * Where the seeded initial noise (and the noise of stochastic schedulers) comes from. Each source reproduces a
 * reference tool value for value, so the same seed gives the same image as that tool.
 */
public enum NoiseSource {
    /** {@code torch.manual_seed(seed); torch.randn(shape)} on torch's CPU generator (diffusers' default). */
    TORCH,
    /** {@code numpy.random.RandomState(seed).randn(*shape)} (diffusers' legacy ONNX pipeline). */
    NUMPY;

    /** Parses a case-insensitive name ({@code torch}, {@code numpy}). */
    public static NoiseSource fromName(String name) {
        for (NoiseSource source : values()) {
            if (source.name().equalsIgnoreCase(name)) {
                return source;
            }
        }
        throw new IllegalArgumentException("noise must be one of [torch, numpy], got '" + name + "'");
    }
}

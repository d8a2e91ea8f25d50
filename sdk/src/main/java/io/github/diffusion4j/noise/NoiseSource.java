package io.github.diffusion4j.noise;

import java.security.SecureRandom;

/**
 * Where the seeded initial noise (and the noise of stochastic schedulers) comes from. Each source reproduces a
 * reference tool value for value, so the same seed gives the same image as that tool.
 */
public enum NoiseSource {
    /** {@code torch.manual_seed(seed); torch.randn(shape)} on torch's CPU generator (diffusers' default). */
    TORCH,
    /** {@code numpy.random.RandomState(seed).randn(*shape)} (diffusers' legacy ONNX pipeline). */
    NUMPY;

    /** Largest seed {@link #randomSeed()} returns: the top of the range both sources accept. */
    private static final long MAX_RANDOM_SEED = 0xFFFF_FFFFL;

    /** Lazily created so that merely referencing the enum does not seed a SecureRandom. */
    private static final class SeedRandom {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    /** Parses a case-insensitive name ({@code torch}, {@code numpy}). */
    public static NoiseSource fromName(String name) {
        for (NoiseSource source : values()) {
            if (source.name().equalsIgnoreCase(name)) {
                return source;
            }
        }
        throw new IllegalArgumentException("noise must be one of [torch, numpy], got '" + name + "'");
    }

    /**
     * Creates a generator of this source seeded with {@code seed}.
     *
     * @param seed the seed; {@link #NUMPY} accepts only {@code [0, 2^32 - 1]}, {@link #TORCH} any long
     * @return a fresh generator, positioned at the start of the seed's stream
     * @throws IllegalArgumentException when the seed is outside the range this source accepts
     */
    public NoiseGenerator newGenerator(long seed) {
        return switch (this) {
            case TORCH -> new TorchGenerator(seed);
            case NUMPY -> new NumpyGenerator(seed);
        };
    }

    /**
     * Draws a random seed in {@code [0, 2^32 - 1]}, a range both sources accept and reproduce exactly, so a
     * randomly seeded image can be recreated later from the recorded seed with either source.
     *
     * @return a uniformly distributed seed in {@code [0, 2^32 - 1]}
     */
    public static long randomSeed() {
        return SeedRandom.INSTANCE.nextLong() & MAX_RANDOM_SEED;
    }
}

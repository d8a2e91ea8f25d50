package io.github.diffusion4j.noise;

/**
 * A seeded stream of standard-normal values. Successive calls continue the same stream, as successive
 * {@code torch.randn(..., generator=g)} calls do. Not thread-safe: one generator per generation.
 */
public interface NoiseGenerator {

    /** The seed this generator was created with. */
    long seed();

    /** Returns {@code count} standard-normal values, laid out as a contiguous tensor of that many elements. */
    float[] randn(int count);
}

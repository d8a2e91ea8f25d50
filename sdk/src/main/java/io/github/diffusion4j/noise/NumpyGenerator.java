package io.github.diffusion4j.noise;

/**
 * Reproduces {@code numpy.random.RandomState(seed).randn(count)}, including the stream continuing across successive
 * calls on one {@code RandomState}. numpy returns float64; the values are rounded to float32 here, as diffusers'
 * ONNX pipelines cast the latents to float32 before use. Not thread-safe.
 */
public final class NumpyGenerator implements NoiseGenerator {

    /** The largest seed {@code RandomState} accepts ({@code 2**32 - 1}). */
    public static final long MAX_SEED = 0xFFFF_FFFFL;

    private final long seed;
    private final Mt19937 engine;
    private double cachedGauss;
    private boolean hasCachedGauss;

    /**
     * Creates a generator in the state {@code numpy.random.RandomState(seed)} starts in.
     *
     * @param seed the seed, in {@code [0, 2^32 - 1]}
     * @throws IllegalArgumentException when the seed is outside that range, which numpy rejects too
     */
    public NumpyGenerator(long seed) {
        if (seed < 0 || seed > MAX_SEED) {
            throw new IllegalArgumentException(
                    "seed must be between 0 and 2^32 - 1 (" + MAX_SEED + ") for numpy noise, got " + seed);
        }
        this.seed = seed;
        this.engine = new Mt19937(seed);
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public float[] randn(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) nextGauss();
        }
        return out;
    }

    /** The next value as numpy computes it, in float64 (before the float32 rounding {@link #randn} applies). */
    double nextGauss() {
        // Port of legacy_gauss (numpy/random/src/legacy/legacy-distributions.c): the polar Box–Muller method,
        // returning f * x2 now and keeping f * x1 for the next call.
        if (hasCachedGauss) {
            hasCachedGauss = false;
            return cachedGauss;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * nextDouble() - 1.0;
            x2 = 2.0 * nextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.sqrt(-2.0 * Math.log(r2) / r2);
        cachedGauss = f * x1;
        hasCachedGauss = true;
        return f * x2;
    }

    /** Port of {@code mt19937_next_double}: 27 + 26 bits from two draws, scaled to [0, 1) with 53-bit resolution. */
    private double nextDouble() {
        long a = engine.nextUnsigned() >>> 5;
        long b = engine.nextUnsigned() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }
}

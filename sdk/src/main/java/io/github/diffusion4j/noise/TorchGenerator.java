package io.github.diffusion4j.noise;

/**
 * Reproduces {@code torch.manual_seed(seed); torch.randn(count)} on torch's CPU generator for float32 tensors,
 * including the stream continuing across successive calls on one generator.
 *
 * <p>torch takes one of two paths (see {@code aten/src/ATen/native/cpu/DistributionTemplates.h},
 * {@code normal_kernel}): contiguous float tensors of 16 or more elements go through {@code normal_fill}, which
 * draws one 24-bit float uniform per element and then applies Box–Muller to blocks of 16; smaller tensors draw each
 * element from the double-precision {@code at::normal_distribution<double>}, which produces two values per pair of
 * 53-bit uniforms and caches the second in the generator for the next draw. The cache survives calls that take the
 * vectorised path, so mixed-size call sequences stay in step with torch.
 *
 * <p>torch on an AVX2 CPU evaluates the 16-wide Box–Muller with the Cephes float polynomials of
 * {@code aten/src/ATen/native/cpu/avx_mathfun.h} ({@code normal_fill_16_AVX2}); {@link CephesFloat} evaluates them
 * with the same float operations, so the values are that build's to the bit (2.8 M draws of torch 1.13 compared; the
 * previous {@link Math}-based evaluation matched 70 % of them, within 5 ulps). torch without AVX2 (ARM, old x86) uses
 * libm's float functions instead, and differs from these by an ulp here and there. Not thread-safe.
 */
public final class TorchGenerator implements NoiseGenerator {

    private static final int BLOCK = 16;
    private static final int HALF_BLOCK = BLOCK / 2;
    private static final float FLOAT_UNIFORM_SCALE_F = 0x1.0p-24f;
    private static final double DOUBLE_UNIFORM_SCALE = 0x1.0p-53;
    private static final long MASK_24 = (1L << 24) - 1;
    private static final long MASK_53 = (1L << 53) - 1;
    private static final float TWO_PI_FLOAT = (float) (2.0 * Math.PI);

    private final long seed;
    private final Mt19937 engine;
    private double cachedNormal;
    private boolean hasCachedNormal;

    /**
     * Creates a generator in the state {@code torch.manual_seed(seed)} leaves torch's default CPU generator in.
     * Any long is accepted: torch keeps only the low 32 bits, and reads negative seeds as their two's complement.
     *
     * @param seed the seed
     */
    public TorchGenerator(long seed) {
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
        if (count >= BLOCK) {
            normalFill(out);
        } else {
            for (int i = 0; i < count; i++) {
                out[i] = (float) nextDoubleNormal();
            }
        }
        return out;
    }

    /** Port of {@code normal_fill} ({@code aten/src/ATen/native/cpu/DistributionTemplates.h}). */
    private void normalFill(float[] data) {
        int size = data.length;
        int[] bits = new int[size];
        engine.nextInts(bits);
        toFloatUniforms(bits, data, 0, size);
        float[] sincos = new float[2];
        for (int i = 0; i + BLOCK <= size; i += BLOCK) {
            normalFill16(data, i, sincos);
        }
        if (size % BLOCK != 0) {
            // torch redraws the trailing partial block as a whole fresh block of 16 overlapping the previous one.
            int start = size - BLOCK;
            int[] block = new int[BLOCK];
            engine.nextInts(block);
            toFloatUniforms(block, data, start, BLOCK);
            normalFill16(data, start, sincos);
        }
    }

    /**
     * {@code uniform_real_distribution<float>} over a block of 32-bit draws: the low 24 bits scaled by 2^-24, which
     * is exact in float.
     */
    private static void toFloatUniforms(int[] bits, float[] out, int offset, int count) {
        for (int i = 0; i < count; i++) {
            out[offset + i] = (bits[i] & (int) MASK_24) * FLOAT_UNIFORM_SCALE_F;
        }
    }

    /**
     * Port of {@code normal_fill_16_AVX2}: u1 = 1 - d[j] moves [0, 1) to (0, 1] so the log stays finite; radius
     * {@code sqrt(-2 log u1)}, theta {@code 2π u2} in float, then {@code fmadd(radius · cos, std = 1, mean = 0)}, whose
     * + 0 turns a -0 into +0. {@code sincos} is scratch space for {@link CephesFloat#sincos}.
     */
    private static void normalFill16(float[] data, int offset, float[] sincos) {
        for (int j = 0; j < HALF_BLOCK; j++) {
            float u1 = 1.0f - data[offset + j];
            float u2 = data[offset + j + HALF_BLOCK];
            float radius = (float) Math.sqrt(-2.0f * CephesFloat.log(u1));
            CephesFloat.sincos(TWO_PI_FLOAT * u2, sincos);
            data[offset + j] = radius * sincos[1] + 0f;
            data[offset + j + HALF_BLOCK] = radius * sincos[0] + 0f;
        }
    }

    /**
     * {@code uniform_real_distribution<double>}: {@code random64()} joins two draws with the first as the high word
     * ({@code CPUGeneratorImpl::random64}, {@code make64BitsFrom32Bits(hi, lo)}), then keeps the low 53 bits.
     */
    private double nextDoubleUniform() {
        long high = engine.nextUnsigned();
        long low = engine.nextUnsigned();
        return (((high << 32) | low) & MASK_53) * DOUBLE_UNIFORM_SCALE;
    }

    /** Port of {@code at::normal_distribution<double>} ({@code aten/src/ATen/core/DistributionsHelper.h}). */
    private double nextDoubleNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = nextDoubleUniform();
        double u2 = nextDoubleUniform();
        double radius = Math.sqrt(-2.0 * Math.log1p(-u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = radius * Math.sin(theta);
        hasCachedNormal = true;
        return radius * Math.cos(theta);
    }
}

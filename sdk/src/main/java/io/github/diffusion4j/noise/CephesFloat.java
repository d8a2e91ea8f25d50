package io.github.diffusion4j.noise;

/**
 * The float32 logarithm, sine and cosine of torch's AVX2 Box–Muller: {@code normal_fill_16_AVX2}
 * ({@code aten/src/ATen/native/cpu/DistributionTemplates.h}) calls {@code log256_ps} and {@code sincos256_ps} of
 * {@code aten/src/ATen/native/cpu/avx_mathfun.h}, Cephes' {@code logf}/{@code sinf}/{@code cosf} written as 8-lane
 * polynomials. Evaluated here one lane at a time with the same float operations in the same order, so the results are
 * torch's to the bit — not libm's, and not {@link Math}'s rounded doubles (which matched 70 % of torch's normals).
 * <p>
 * One thing is not in the source but in the binary: ATen is compiled with GCC's default {@code -ffp-contract=fast},
 * which fuses a product into the addition or subtraction that consumes it. Every {@code a * b + c} below is therefore a
 * {@link Math#fma}; where both operands of a sum are products, the one the compiled kernel fuses was found by
 * comparison with torch 1.13 over 2.8 M draws (43 seeds × 65,536 values, all bit-identical; without the fusions
 * 99.05 %).
 */
final class CephesFloat {

    private static final float MIN_NORM_POS = Float.intBitsToFloat(0x00800000);
    private static final int EXPONENT_MASK = 0x7f800000;
    private static final float SQRT_HALF = 0.707106781186547524f;
    /** cephes_log_p0 … p8. */
    private static final float[] LOG_P = {7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f,
            1.4249322787E-1f, -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f};
    private static final float LOG_Q1 = -2.12194440e-4f;
    private static final float LOG_Q2 = 0.693359375f;
    /** 4/π and the three parts of π/4 (minus_cephes_DP1..3) of the extended-precision range reduction. */
    private static final float FOUR_OVER_PI = 1.27323954473516f;
    private static final float MINUS_DP1 = -0.78515625f;
    private static final float MINUS_DP2 = -2.4187564849853515625e-4f;
    private static final float MINUS_DP3 = -3.77489497744594108e-8f;
    private static final float SIN_P0 = -1.9515295891E-4f;
    private static final float SIN_P1 = 8.3321608736E-3f;
    private static final float SIN_P2 = -1.6666654611E-1f;
    private static final float COS_P0 = 2.443315711809948E-005f;
    private static final float COS_P1 = -1.388731625493765E-003f;
    private static final float COS_P2 = 4.166664568298827E-002f;

    private CephesFloat() {
    }

    /** {@code log256_ps}: NaN for x ≤ 0; denormals read as the smallest normal float. */
    static float log(float value) {
        if (value <= 0 || Float.isNaN(value)) {
            return Float.NaN;
        }
        float x = Math.max(value, MIN_NORM_POS);
        int bits = Float.floatToRawIntBits(x);
        // the exponent, and the mantissa as a float in [0.5, 1)
        float e = (float) ((bits >>> 23) - 0x7f) + 1f;
        x = Float.intBitsToFloat((bits & ~EXPONENT_MASK) | Float.floatToRawIntBits(0.5f));
        // x < √½: e -= 1, x = x + x - 1; else x = x - 1 (computed as (x - 1) + (mask ? x : 0))
        boolean small = x < SQRT_HALF;
        float tmp = small ? x : 0f;
        x = x - 1f;
        e = e - (small ? 1f : 0f);
        x = x + tmp;
        float z = x * x;
        float y = LOG_P[0];
        for (int k = 1; k < LOG_P.length; k++) {
            y = Math.fma(y, x, LOG_P[k]);
        }
        y = y * x;
        // y * z + e * q1: the kernel fuses y * z and rounds e * q1 on its own
        y = Math.fma(y, z, e * LOG_Q1);
        y = Math.fma(-z, 0.5f, y);
        return Math.fma(e, LOG_Q2, x + y);
    }

    /**
     * {@code sincos256_ps} of a finite {@code x}: {@code out[0]} the sine, {@code out[1]} the cosine (out is reused
     * so that a block of 16 normals allocates nothing).
     */
    static void sincos(float x, float[] out) {
        int signSin = Float.floatToRawIntBits(x) & 0x80000000;
        float ax = Math.abs(x);
        // j = (int) (|x| · 4/π), rounded up to even: the octant
        int j = ((int) (ax * FOUR_OVER_PI) + 1) & ~1;
        float y = j;
        signSin ^= (j & 4) << 29;
        boolean sinPolynomial = (j & 2) == 0;
        int signCos = (~(j - 2) & 4) << 29;
        // ((x - y·DP1) - y·DP2) - y·DP3
        float r = Math.fma(y, MINUS_DP1, ax);
        r = Math.fma(y, MINUS_DP2, r);
        r = Math.fma(y, MINUS_DP3, r);
        float z = r * r;
        float cos = Math.fma(Math.fma(COS_P0, z, COS_P1), z, COS_P2) * z;
        // (cos · z) · z − z · 0.5: the kernel fuses the second product by z
        cos = Math.fma(cos, z, -(z * 0.5f)) + 1f;
        float sin = Math.fma(Math.fma(SIN_P0, z, SIN_P1), z, SIN_P2) * z;
        sin = Math.fma(sin, r, r);
        // the kernel selects with masks and sums: (poly ? 0 : cos) + (poly ? sin : 0), and the rest for the cosine
        float sinPart = sinPolynomial ? sin : 0f;
        float cosPart = sinPolynomial ? 0f : cos;
        float s = cosPart + sinPart;
        float c = (cos - cosPart) + (sin - sinPart);
        out[0] = Float.intBitsToFloat(Float.floatToRawIntBits(s) ^ signSin);
        out[1] = Float.intBitsToFloat(Float.floatToRawIntBits(c) ^ signCos);
    }
}

package io.github.diffusion4j.pipeline;

/**
 * {@code torch.nn.functional.interpolate(latents, size=(h, w), mode=..., antialias=False)} with
 * {@code align_corners=False}, the call A1111's hires fix makes for its latent upscalers
 * ({@code modules/processing.py}, {@code sample_hr_pass}). Formulas from PyTorch's
 * {@code aten/src/ATen/native/UpSample.h}: {@code nearest_idx}, {@code area_pixel_compute_source_index},
 * {@code cubic_convolution1/2} with A = −0.75 and border-clamped taps; the CPU linear kernel's index and lambda
 * ({@code UpSampleKernel.cpp}, {@code compute_indices_weights_linear}). Arithmetic in float32 as torch's CPU
 * kernels do for float tensors.
 */
final class LatentResize {

    private static final float CUBIC_A = -0.75f;

    private LatentResize() {
    }

    /** [planes, inH, inW] flattened → [planes, outH, outW] flattened. */
    static float[] resize(float[] in, int planes, int inH, int inW, int outH, int outW, HiresFix.Upscaler mode) {
        float[] out = new float[planes * outH * outW];
        for (int p = 0; p < planes; p++) {
            int src = p * inH * inW;
            int dst = p * outH * outW;
            switch (mode) {
                case LATENT_NEAREST -> nearest(in, src, inH, inW, out, dst, outH, outW);
                case LATENT -> bilinear(in, src, inH, inW, out, dst, outH, outW);
                case LATENT_BICUBIC -> bicubic(in, src, inH, inW, out, dst, outH, outW);
                default -> throw new IllegalArgumentException("not a latent upscaler: " + mode.id());
            }
        }
        return out;
    }

    /** {@code nearest_idx}: identity, {@code >> 1} at exactly twice the size, else {@code floor(i · in/out)}. */
    static int nearestIndex(int i, int in, int out) {
        if (in == out) {
            return i;
        }
        if (out == 2 * in) {
            return i >> 1;
        }
        float scale = (float) in / out;
        return Math.min((int) Math.floor(i * scale), in - 1);
    }

    private static void nearest(float[] in, int src, int inH, int inW, float[] out, int dst, int outH, int outW) {
        for (int y = 0; y < outH; y++) {
            int sy = nearestIndex(y, inH, outH);
            for (int x = 0; x < outW; x++) {
                out[dst + y * outW + x] = in[src + sy * inW + nearestIndex(x, inW, outW)];
            }
        }
    }

    /** {@code area_pixel_compute_source_index} without align_corners: {@code scale·(i + 0.5) − 0.5}, ≥ 0 unless cubic. */
    static float sourceIndex(int i, int in, int out, boolean cubic) {
        float scale = (float) in / out;
        float s = scale * (i + 0.5f) - 0.5f;
        return !cubic && s < 0 ? 0f : s;
    }

    private static void bilinear(float[] in, int src, int inH, int inW, float[] out, int dst, int outH, int outW) {
        for (int y = 0; y < outH; y++) {
            float ry = sourceIndex(y, inH, outH, false);
            int y0 = (int) ry;
            int y1 = y0 + (y0 < inH - 1 ? 1 : 0);
            float ly1 = ry - y0;
            float ly0 = 1f - ly1;
            for (int x = 0; x < outW; x++) {
                float rx = sourceIndex(x, inW, outW, false);
                int x0 = (int) rx;
                int x1 = x0 + (x0 < inW - 1 ? 1 : 0);
                float lx1 = rx - x0;
                float lx0 = 1f - lx1;
                out[dst + y * outW + x] = ly0 * (lx0 * in[src + y0 * inW + x0] + lx1 * in[src + y0 * inW + x1])
                        + ly1 * (lx0 * in[src + y1 * inW + x0] + lx1 * in[src + y1 * inW + x1]);
            }
        }
    }

    private static void bicubic(float[] in, int src, int inH, int inW, float[] out, int dst, int outH, int outW) {
        float[] wy = new float[4];
        float[] wx = new float[4];
        for (int y = 0; y < outH; y++) {
            float ry = sourceIndex(y, inH, outH, true);
            int iy = (int) Math.floor(ry);
            cubicCoefficients(ry - iy, wy);
            for (int x = 0; x < outW; x++) {
                float rx = sourceIndex(x, inW, outW, true);
                int ix = (int) Math.floor(rx);
                cubicCoefficients(rx - ix, wx);
                float sum = 0f;
                for (int j = 0; j < 4; j++) {
                    int row = src + clamp(iy - 1 + j, inH) * inW;
                    float r = 0f;
                    for (int k = 0; k < 4; k++) {
                        r += wx[k] * in[row + clamp(ix - 1 + k, inW)];
                    }
                    sum += wy[j] * r;
                }
                out[dst + y * outW + x] = sum;
            }
        }
    }

    /** {@code get_cubic_upsample_coefficients(t)}: the four Keys-kernel taps at distances t+1, t, 1−t, 2−t. */
    static void cubicCoefficients(float t, float[] w) {
        w[0] = cubic2(t + 1f);
        w[1] = cubic1(t);
        float x2 = 1f - t;
        w[2] = cubic1(x2);
        w[3] = cubic2(x2 + 1f);
    }

    private static float cubic1(float x) {
        return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }

    private static float cubic2(float x) {
        return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }

    private static int clamp(int i, int size) {
        return Math.max(0, Math.min(i, size - 1));
    }
}

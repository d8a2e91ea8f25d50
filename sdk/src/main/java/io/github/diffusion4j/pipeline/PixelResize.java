package io.github.diffusion4j.pipeline;

import java.awt.image.BufferedImage;

/**
 * Pillow's {@code Image.resize(size, LANCZOS | BICUBIC)} on 8-bit RGB, the resize A1111's "Lanczos" upscaler does
 * ({@code modules/upscaler.py}, {@code UpscalerLanczos}). Ported from Pillow's {@code src/libImaging/Resample.c}:
 * {@code precompute_coeffs} (filter support widened by the scale when shrinking, taps normalised to sum 1),
 * {@code normalize_coeffs_8bpc} (coefficients in fixed point with {@code PRECISION_BITS = 32 − 8 − 2}), a horizontal
 * pass into 8-bit rows, then a vertical pass ({@code ImagingResampleHorizontal_8bpc} / {@code Vertical_8bpc}, rounding
 * by the half added up front and {@code clip8}); filters {@code lanczos_filter} (a = 3) and {@code bicubic_filter}
 * (a = −0.5).
 */
final class PixelResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PixelResize() {
    }

    /** The image resized to {@code width × height} with {@code upscaler}'s Pillow filter. */
    static BufferedImage resize(BufferedImage image, int width, int height, HiresFix.Upscaler upscaler) {
        boolean lanczos = switch (upscaler) {
            case LANCZOS -> true;
            case BICUBIC -> false;
            default -> throw new IllegalArgumentException("not a pixel upscaler: " + upscaler.id());
        };
        int inW = image.getWidth();
        int inH = image.getHeight();
        int[] rgb = image.getRGB(0, 0, inW, inH, null, 0, inW);
        int[][] channels = new int[3][inW * inH];
        for (int i = 0; i < rgb.length; i++) {
            channels[0][i] = (rgb[i] >> 16) & 0xFF;
            channels[1][i] = (rgb[i] >> 8) & 0xFF;
            channels[2][i] = rgb[i] & 0xFF;
        }
        Coefficients horizontal = coefficients(inW, width, lanczos);
        Coefficients vertical = coefficients(inH, height, lanczos);
        int[] out = new int[width * height];
        for (int c = 0; c < 3; c++) {
            int[] rows = pass(channels[c], inH, inW, width, horizontal, true);
            int[] done = pass(rows, inH, width, height, vertical, false);
            for (int i = 0; i < out.length; i++) {
                out[i] |= done[i] << (16 - 8 * c);
            }
        }
        BufferedImage result = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        result.setRGB(0, 0, width, height, out, 0, width);
        return result;
    }

    /** Fixed-point taps per output index: first input index, count, weights ({@code ksize} apart). */
    record Coefficients(int[] min, int[] count, int[] weights, int ksize) {
    }

    /** {@code precompute_coeffs} then {@code normalize_coeffs_8bpc}, for the whole input range. */
    static Coefficients coefficients(int inSize, int outSize, boolean lanczos) {
        double support0 = lanczos ? 3.0 : 2.0;
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = support0 * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] min = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter((x + xmin - center + 0.5) * ss, lanczos);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
            }
            min[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(min, count, weights, ksize);
    }

    private static double filter(double x, boolean lanczos) {
        if (lanczos) {
            return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
        }
        double a = -0.5;
        double ax = Math.abs(x);
        if (ax < 1.0) {
            return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
        }
        if (ax < 2.0) {
            return (((ax - 5) * ax + 8) * ax - 4) * a;
        }
        return 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        x = x * Math.PI;
        return Math.sin(x) / x;
    }

    /** One separable pass over an [inRows, inCols] plane: along x ({@code horizontal}) or along y, to outSize. */
    private static int[] pass(int[] in, int inRows, int inCols, int outSize, Coefficients c, boolean horizontal) {
        int rows = horizontal ? inRows : outSize;
        int cols = horizontal ? outSize : inCols;
        int inner = inCols;
        int[] out = new int[rows * cols];
        int half = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                int o = horizontal ? x : y;
                int base = o * c.ksize();
                long ss = half;
                for (int t = 0; t < c.count()[o]; t++) {
                    int i = c.min()[o] + t;
                    int v = horizontal ? in[y * inner + i] : in[i * inner + x];
                    ss += (long) v * c.weights()[base + t];
                }
                out[y * cols + x] = clip8(ss);
            }
        }
        return out;
    }

    /** Pillow's {@code clip8}: the fixed-point sum shifted down, clamped to 0..255. */
    private static int clip8(long ss) {
        long v = ss >> PRECISION_BITS;
        return (int) Math.max(0, Math.min(255, v));
    }
}

package io.github.diffusion4j.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * Pillow's {@code ImageFilter.GaussianBlur(radius)}, pixel for pixel: what diffusers'
 * {@code VaeImageProcessor.blur(image, blur_factor)} (src/diffusers/image_processor.py) applies to an inpainting
 * mask. Ported from Pillow 9.4.0's src/libImaging/BoxBlur.c:
 * <ul>
 *   <li>{@code ImagingGaussianBlur} (lines 285-300): three passes of an extended box blur whose fractional radius
 *   {@code l + a} comes from σ² = radius² / 3 (Gwosdek et al., "Theoretical foundations of Gaussian convolution by
 *   extended box filtering", eqs. 7, 11, 14), in C {@code float} arithmetic;</li>
 *   <li>{@code ImagingBoxBlur} (lines 232-283): all passes along rows first, then all passes along columns;</li>
 *   <li>{@code ImagingHorizontalBoxBlur} (lines 169-230): the 8.24 fixed-point weights {@code ww} (whole pixels) and
 *   {@code fw} (the two fractional end pixels);</li>
 *   <li>{@code ImagingLineBoxBlur8} (lines 104-167): the running sum with the edge pixels repeated outside the line,
 *   rounded {@code (bulk + 2^23) >> 24}.</li>
 * </ul>
 * Each channel is blurred on its own, as Pillow does for "L" and "RGB(A)" images.
 */
public final class PillowGaussianBlur {

    private static final int PASSES = 3;

    private PillowGaussianBlur() {
    }

    /**
     * The blurred image: a {@link BufferedImage#TYPE_BYTE_GRAY} input stays grey, anything else comes back as RGB
     * (alpha dropped). Radius 0 returns the pixels unchanged.
     *
     * @throws IllegalArgumentException when {@code radius} is negative
     */
    public static BufferedImage blur(BufferedImage image, float radius) {
        if (!(radius >= 0)) {
            throw new IllegalArgumentException("blur radius must be >= 0, got " + radius);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        float boxRadius = boxRadius(radius);
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            int[] luma = image.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            boxBlur(luma, w, h, boxRadius);
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            out.getRaster().setSamples(0, 0, w, h, 0, luma);
            return out;
        }
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        int[][] planes = new int[3][w * h];
        for (int i = 0; i < rgb.length; i++) {
            planes[0][i] = (rgb[i] >> 16) & 0xFF;
            planes[1][i] = (rgb[i] >> 8) & 0xFF;
            planes[2][i] = rgb[i] & 0xFF;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = out.getRaster();
        for (int c = 0; c < 3; c++) {
            boxBlur(planes[c], w, h, boxRadius);
            raster.setSamples(0, 0, w, h, c, planes[c]);
        }
        return out;
    }

    /** {@code ImagingGaussianBlur}'s box radius, with C's float and double steps kept. */
    static float boxRadius(float radius) {
        float sigma2 = radius * radius / PASSES;
        float boxLength = (float) Math.sqrt(12.0 * sigma2 + 1.0);
        float l = (float) Math.floor((boxLength - 1.0) / 2.0);
        float a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
        a /= 6 * (sigma2 - (l + 1) * (l + 1));
        return l + a;
    }

    /** {@code ImagingBoxBlur}: the passes along rows, then along columns, in place on one channel. */
    private static void boxBlur(int[] plane, int w, int h, float radius) {
        int[] line = new int[Math.max(w, h)];
        int[] out = new int[Math.max(w, h)];
        for (int y = 0; y < h; y++) {
            System.arraycopy(plane, y * w, line, 0, w);
            for (int pass = 0; pass < PASSES; pass++) {
                blurLine(line, out, w, radius);
                System.arraycopy(out, 0, line, 0, w);
            }
            System.arraycopy(line, 0, plane, y * w, w);
        }
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                line[y] = plane[y * w + x];
            }
            for (int pass = 0; pass < PASSES; pass++) {
                blurLine(line, out, h, radius);
                System.arraycopy(out, 0, line, 0, h);
            }
            for (int y = 0; y < h; y++) {
                plane[y * w + x] = line[y];
            }
        }
    }

    /** {@code ImagingHorizontalBoxBlur}'s weights and {@code ImagingLineBoxBlur8} on one line of {@code size}. */
    private static void blurLine(int[] in, int[] out, int size, float floatRadius) {
        int radius = (int) floatRadius;
        // UINT32 ww = (UINT32)(1 << 24) / (floatRadius * 2 + 1): a float division, truncated
        long ww = (long) (16777216f / (floatRadius * 2 + 1));
        long fw = ((1L << 24) - (radius * 2L + 1) * ww) / 2;
        int edgeA = Math.min(radius + 1, size);
        int edgeB = Math.max(size - radius - 1, 0);
        int last = size - 1;
        long acc = (long) in[0] * (radius + 1);
        for (int x = 0; x < edgeA - 1; x++) {
            acc += in[x];
        }
        acc += (long) in[last] * (radius - edgeA + 1);
        // each pixel: the window slides by one (drop the far left, add the far right, edges clamped), and the two
        // pixels just outside it weigh fw
        int firstEnd = Math.min(edgeA, edgeB);
        int middleEnd = Math.max(edgeA, edgeB);
        for (int x = 0; x < size; x++) {
            int subtract = x < edgeA ? 0 : x - radius - 1;
            int add;
            int far;
            if (x < firstEnd) {
                add = x + radius;
                far = x + radius + 1;
            } else if (x < middleEnd && edgeA <= edgeB) {
                add = x + radius;
                far = x + radius + 1;
            } else {
                add = last;
                far = last;
            }
            acc += in[add] - in[subtract];
            long bulk = acc * ww + (long) (in[subtract] + in[far]) * fw;
            out[x] = (int) ((bulk + (1L << 23)) >> 24);
        }
    }
}

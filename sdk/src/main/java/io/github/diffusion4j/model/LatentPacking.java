package io.github.diffusion4j.model;

/**
 * FLUX's latent packing: diffusers' {@code FluxPipeline._pack_latents} turns [C, h, w] into [h/2 · w/2, 4·C] by
 * {@code view(C, h/2, 2, w/2, 2).permute(1, 3, 0, 2, 4)} — token {@code (y, x)} holds, at channel index
 * {@code c·4 + dy·2 + dx}, the latent at {@code (c, 2y + dy, 2x + dx)}; {@code _unpack_latents} is the inverse.
 */
public final class LatentPacking {

    private LatentPacking() {
    }

    /** Packs one [C, h, w] latent read from {@code src} at {@code offset}. */
    public static float[] pack(float[] src, int offset, int channels, int h, int w) {
        int hh = h / 2;
        int ww = w / 2;
        int width = channels * 4;
        float[] out = new float[channels * h * w];
        for (int y = 0; y < hh; y++) {
            for (int x = 0; x < ww; x++) {
                int token = (y * ww + x) * width;
                for (int c = 0; c < channels; c++) {
                    int plane = offset + c * h * w;
                    for (int dy = 0; dy < 2; dy++) {
                        int rowBase = plane + (2 * y + dy) * w + 2 * x;
                        out[token + c * 4 + dy * 2] = src[rowBase];
                        out[token + c * 4 + dy * 2 + 1] = src[rowBase + 1];
                    }
                }
            }
        }
        return out;
    }

    /** Unpacks one [h/2 · w/2, 4·C] row into {@code dst} at {@code offset} as [C, h, w]. */
    public static void unpack(float[] packed, float[] dst, int offset, int channels, int h, int w) {
        int hh = h / 2;
        int ww = w / 2;
        int width = channels * 4;
        for (int y = 0; y < hh; y++) {
            for (int x = 0; x < ww; x++) {
                int token = (y * ww + x) * width;
                for (int c = 0; c < channels; c++) {
                    int plane = offset + c * h * w;
                    for (int dy = 0; dy < 2; dy++) {
                        int rowBase = plane + (2 * y + dy) * w + 2 * x;
                        dst[rowBase] = packed[token + c * 4 + dy * 2];
                        dst[rowBase + 1] = packed[token + c * 4 + dy * 2 + 1];
                    }
                }
            }
        }
    }
}

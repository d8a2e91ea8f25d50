package io.github.diffusion4j.pipeline;

/** Classifier-free guidance on the denoiser's prediction rows. */
final class Guidance {

    private Guidance() {
    }

    /**
     * {@code uncond + s·(cond − uncond)}, then optionally diffusers' {@code rescale_noise_cfg} (Lin et al. 2023,
     * "Common Diffusion Noise Schedules and Sample Steps are Flawed", §3.4): rescale each image's guided prediction to
     * the standard deviation of its conditional prediction and blend by φ.
     */
    static void apply(float[] pred, float[] out, int batch, int rowSize, float scale, double rescale) {
        int condOffset = batch * rowSize;
        for (int i = 0; i < batch * rowSize; i++) {
            float u = pred[i];
            out[i] = u + scale * (pred[condOffset + i] - u);
        }
        if (rescale <= 0) {
            return;
        }
        for (int b = 0; b < batch; b++) {
            int off = b * rowSize;
            double stdText = std(pred, condOffset + off, rowSize);
            double stdCfg = std(out, off, rowSize);
            if (stdCfg == 0) {
                continue;
            }
            double factor = stdText / stdCfg;
            for (int i = 0; i < rowSize; i++) {
                double cfg = out[off + i];
                out[off + i] = (float) (rescale * cfg * factor + (1 - rescale) * cfg);
            }
        }
    }

    /** Unbiased standard deviation, as {@code torch.std} computes by default. */
    private static double std(float[] a, int off, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += a[off + i];
        }
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = a[off + i] - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / Math.max(1, n - 1));
    }
}

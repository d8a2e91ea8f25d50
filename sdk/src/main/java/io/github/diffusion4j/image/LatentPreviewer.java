package io.github.diffusion4j.image;

import java.awt.image.BufferedImage;

/**
 * A cheap latent → RGB preview: one 3×C matrix and a bias applied per latent pixel, no VAE run. Costs a few
 * microseconds per step, which is what makes a preview every step affordable.
 */
public final class LatentPreviewer {

    /**
     * Stable Diffusion 1.x/2.x latent-to-RGB factors (rows: latent channel; columns: R, G, B), the approximation
     * AUTOMATIC1111 and ComfyUI use for their "latent preview" of SD latents (already scaled by 0.18215).
     */
    private static final float[][] SD_FACTORS = {
            {0.3512f, 0.2297f, 0.3227f},
            {0.3250f, 0.4974f, 0.2350f},
            {-0.2829f, 0.1762f, 0.2721f},
            {-0.2120f, -0.2616f, -0.7177f},
    };

    /**
     * Stable Diffusion 3 latent-to-RGB factors and bias for its 16-channel VAE latents (scaled: (z − 0.0609) ·
     * 1.5305), the table ComfyUI publishes (comfy/latent_formats.py, class {@code SD3}, at 040a324).
     */
    private static final float[][] SD3_FACTORS = {
            {-0.0922f, -0.0175f, 0.0749f}, {0.0311f, 0.0633f, 0.0954f}, {0.1994f, 0.0927f, 0.0458f},
            {0.0856f, 0.0339f, 0.0902f}, {0.0587f, 0.0272f, -0.0496f}, {-0.0006f, 0.1104f, 0.0309f},
            {0.0978f, 0.0306f, 0.0427f}, {-0.0042f, 0.1038f, 0.1358f}, {-0.0194f, 0.0020f, 0.0669f},
            {-0.0488f, 0.0130f, -0.0268f}, {0.0922f, 0.0988f, 0.0951f}, {-0.0278f, 0.0524f, -0.0542f},
            {0.0332f, 0.0456f, 0.0895f}, {-0.0069f, -0.0030f, -0.0810f}, {-0.0596f, -0.0465f, -0.0293f},
            {-0.1448f, -0.1463f, -0.1189f},
    };
    private static final float[] SD3_BIAS = {0.2394f, 0.2135f, 0.1925f};

    /**
     * FLUX.1 latent-to-RGB factors and bias for its 16-channel VAE latents (scaled: (z − 0.1159) · 0.3611), the
     * table ComfyUI publishes (comfy/latent_formats.py, class {@code Flux}, at 040a324).
     */
    private static final float[][] FLUX_FACTORS = {
            {-0.0346f, 0.0244f, 0.0681f}, {0.0034f, 0.0210f, 0.0687f}, {0.0275f, -0.0668f, -0.0433f},
            {-0.0174f, 0.0160f, 0.0617f}, {0.0859f, 0.0721f, 0.0329f}, {0.0004f, 0.0383f, 0.0115f},
            {0.0405f, 0.0861f, 0.0915f}, {-0.0236f, -0.0185f, -0.0259f}, {-0.0245f, 0.0250f, 0.1180f},
            {0.1008f, 0.0755f, -0.0421f}, {-0.0515f, 0.0201f, 0.0011f}, {0.0428f, -0.0012f, -0.0036f},
            {0.0817f, 0.0765f, 0.0749f}, {-0.1264f, -0.0522f, -0.1103f}, {-0.0280f, -0.0881f, -0.0499f},
            {-0.1262f, -0.0982f, -0.0778f},
    };
    private static final float[] FLUX_BIAS = {-0.0329f, -0.0718f, -0.0851f};

    private final float[][] factors;
    private final float[] bias;

    /**
     * @param factors [channels][3] weights mapping a (scaled) latent pixel to RGB in [-1, 1]
     * @param bias    RGB bias in [-1, 1]
     */
    public LatentPreviewer(float[][] factors, float[] bias) {
        this.factors = factors;
        this.bias = bias;
    }

    /** The Stable Diffusion 1.x/2.x projection. */
    public static LatentPreviewer stableDiffusion() {
        return new LatentPreviewer(SD_FACTORS, new float[3]);
    }

    /** The Stable Diffusion 3 projection of 16-channel latents. */
    public static LatentPreviewer stableDiffusion3() {
        return new LatentPreviewer(SD3_FACTORS, SD3_BIAS.clone());
    }

    /** The FLUX.1 projection of 16-channel (unpacked) latents. */
    public static LatentPreviewer flux() {
        return new LatentPreviewer(FLUX_FACTORS, FLUX_BIAS.clone());
    }

    public int channels() {
        return factors.length;
    }

    /** Renders image {@code index} of NCHW latents [*, C, h, w]. */
    public BufferedImage render(float[] latents, int index, int h, int w) {
        int channels = factors.length;
        int plane = h * w;
        int base = index * channels * plane;
        float[] r = new float[plane];
        float[] g = new float[plane];
        float[] b = new float[plane];
        java.util.Arrays.fill(r, bias[0]);
        java.util.Arrays.fill(g, bias[1]);
        java.util.Arrays.fill(b, bias[2]);
        // Channel-major passes over contiguous planes: simple loops the JIT vectorises.
        for (int c = 0; c < channels; c++) {
            float fr = factors[c][0];
            float fg = factors[c][1];
            float fb = factors[c][2];
            int off = base + c * plane;
            for (int p = 0; p < plane; p++) {
                float v = latents[off + p];
                r[p] += v * fr;
                g[p] += v * fg;
                b[p] += v * fb;
            }
        }
        int[] rgb = new int[plane];
        for (int p = 0; p < plane; p++) {
            rgb[p] = (toByte(r[p]) << 16) | (toByte(g[p]) << 8) | toByte(b[p]);
        }
        return Images.fromRgb(rgb, w, h);
    }

    private static int toByte(float v) {
        float x = Math.min(Math.max((v + 1f) * 127.5f, 0f), 255f);
        return (int) (x + 0.5f);
    }

    /**
     * Fits the projection by least squares from pairs of latent pixels and decoded RGB pixels (each decoded image
     * box-averaged down to latent resolution). Used for models other than Stable Diffusion, whose latent space has
     * no published factors.
     *
     * @param latents [n][C] latent pixels (scaled, as the denoising loop sees them)
     * @param rgb     [n][3] the matching decoded RGB in [-1, 1]
     */
    public static LatentPreviewer fit(float[][] latents, float[][] rgb) {
        int channels = latents[0].length;
        int k = channels + 1;
        double[][] ata = new double[k][k];
        double[][] atb = new double[k][3];
        for (int i = 0; i < latents.length; i++) {
            double[] x = new double[k];
            for (int c = 0; c < channels; c++) {
                x[c] = latents[i][c];
            }
            x[channels] = 1;
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    ata[a][b] += x[a] * x[b];
                }
                for (int o = 0; o < 3; o++) {
                    atb[a][o] += x[a] * rgb[i][o];
                }
            }
        }
        for (int a = 0; a < k; a++) {
            ata[a][a] += 1e-6; // ridge: keeps a degenerate latent channel from blowing up the solve
        }
        double[][] solution = solve(ata, atb);
        float[][] factors = new float[channels][3];
        float[] bias = new float[3];
        for (int o = 0; o < 3; o++) {
            for (int c = 0; c < channels; c++) {
                factors[c][o] = (float) solution[c][o];
            }
            bias[o] = (float) solution[channels][o];
        }
        return new LatentPreviewer(factors, bias);
    }

    private static double[][] solve(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        double[][] aug = new double[n][n + m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, aug[i], 0, n);
            System.arraycopy(b[i], 0, aug[i], n, m);
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(aug[r][col]) > Math.abs(aug[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = aug[col];
            aug[col] = aug[pivot];
            aug[pivot] = tmp;
            double p = aug[col][col];
            for (int j = col; j < n + m; j++) {
                aug[col][j] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != col && aug[r][col] != 0) {
                    double f = aug[r][col];
                    for (int j = col; j < n + m; j++) {
                        aug[r][j] -= f * aug[col][j];
                    }
                }
            }
        }
        double[][] x = new double[n][m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(aug[i], n, x[i], 0, m);
        }
        return x;
    }
}

package io.github.diffusion4j.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.diffusion4j.image.LatentPreviewer;
import io.github.diffusion4j.model.ComponentOptions;
import io.github.diffusion4j.model.DiffusionModel;
import io.github.diffusion4j.model.RunStats;
import io.github.diffusion4j.model.VaeDecoder;
import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.noise.NoiseSource;

import java.util.List;

/** Chooses the latent previewer of a model. */
final class Previews {

    private static final int FIT_SIZE = 16;
    /** scaling_factor and shift_factor of the SD3 and FLUX.1 VAEs (their vae/config.json). */
    private static final double SD3_SCALING = 1.5305;
    private static final double SD3_SHIFT = 0.0609;
    private static final double FLUX_SCALING = 0.3611;
    private static final double FLUX_SHIFT = 0.1159;

    private Previews() {
    }

    static LatentPreviewer forModel(DiffusionModel model) {
        VaeDecoder decoder = model.vaeDecoder();
        int channels = model.denoiser().outChannels();
        if (channels == 4 && Math.abs(decoder.scalingFactor() - VaeDecoder.SD_SCALING_FACTOR) < 1e-6) {
            return LatentPreviewer.stableDiffusion();
        }
        // the published 16-channel tables hold for the VAEs they were made for: recognised by family and factors
        String family = model.family().id();
        if (channels == 16 && family.equals("sd3") && vae(decoder, SD3_SCALING, SD3_SHIFT)) {
            return LatentPreviewer.stableDiffusion3();
        }
        if (channels == 16 && family.equals("flux") && vae(decoder, FLUX_SCALING, FLUX_SHIFT)) {
            return LatentPreviewer.flux();
        }
        return fit(model, channels);
    }

    /**
     * A grey preview of the channels' mean: structure without colour, for a model whose VAE could not be fitted (the
     * fit's decode failed), so that previews still come and a broken fit is not retried at every step.
     */
    static LatentPreviewer neutral(int channels) {
        float[][] factors = new float[channels][3];
        for (float[] f : factors) {
            java.util.Arrays.fill(f, 1f / channels);
        }
        return new LatentPreviewer(factors, new float[3]);
    }

    private static boolean vae(VaeDecoder decoder, double scaling, double shift) {
        return Math.abs(decoder.scalingFactor() - scaling) < 1e-6 && Math.abs(decoder.shiftFactor() - shift) < 1e-6;
    }

    /**
     * Decodes a few unit-variance random latents and fits the linear map from latent pixels to the decoded colours,
     * box-averaged to latent resolution. Deterministic (fixed seed).
     */
    private static LatentPreviewer fit(DiffusionModel model, int channels) {
        VaeDecoder decoder = model.vaeDecoder();
        int scale = decoder.scaleFactor();
        int h = FIT_SIZE;
        int w = FIT_SIZE;
        int samples = 2;
        NoiseGenerator noise = NoiseSource.TORCH.newGenerator(0);
        float[][] x = new float[samples * h * w][];
        float[][] y = new float[samples * h * w][];
        float inv = (float) (1.0 / decoder.scalingFactor());
        try (DiffusionModel.Lease ignored = model.lease(List.of(ComponentOptions.VAE_DECODER));
             OrtSession.RunOptions runOptions = new OrtSession.RunOptions()) {
            for (int s = 0; s < samples; s++) {
                float[] latent = noise.randn(channels * h * w);
                float[] input = new float[latent.length];
                for (int i = 0; i < latent.length; i++) {
                    input[i] = latent[i] * inv;
                }
                long[] shape = new long[4];
                float[] image = decoder.decode(input, 0, channels, h, w, shape, runOptions, new RunStats());
                int imgH = (int) shape[2];
                int imgW = (int) shape[3];
                for (int py = 0; py < h; py++) {
                    for (int px = 0; px < w; px++) {
                        int idx = s * h * w + py * w + px;
                        float[] lat = new float[channels];
                        for (int c = 0; c < channels; c++) {
                            lat[c] = latent[c * h * w + py * w + px];
                        }
                        float[] rgb = new float[3];
                        for (int c = 0; c < 3; c++) {
                            double sum = 0;
                            for (int dy = 0; dy < scale; dy++) {
                                for (int dx = 0; dx < scale; dx++) {
                                    int iy = Math.min(imgH - 1, py * scale + dy);
                                    int ix = Math.min(imgW - 1, px * scale + dx);
                                    sum += image[c * imgH * imgW + iy * imgW + ix];
                                }
                            }
                            rgb[c] = (float) (sum / (scale * scale));
                        }
                        x[idx] = lat;
                        y[idx] = rgb;
                    }
                }
            }
        } catch (OrtException e) {
            throw new GenerationException("Cannot create run options: " + e.getMessage(), e);
        }
        return LatentPreviewer.fit(x, y);
    }
}

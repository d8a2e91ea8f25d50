package io.github.diffusion4j.family;

/**
 * How a family's latents relate to the VAE's: diffusers decodes {@code latents / scaling_factor + shift_factor} and
 * encodes {@code (mean − shift_factor) · scaling_factor} (shift 0 for SD 1.x/2.x and SDXL; SD3 and FLUX have one).
 *
 * @param scalingFactor {@code vae.config.scaling_factor}
 * @param shiftFactor   {@code vae.config.shift_factor}, 0 when absent
 */
public record LatentCodec(double scalingFactor, double shiftFactor) {

    /** Denoiser latents → what the VAE decoder takes, into a new array. */
    public float[] toDecoder(float[] latents) {
        float inv = (float) (1.0 / scalingFactor);
        float shift = (float) shiftFactor;
        float[] out = new float[latents.length];
        for (int i = 0; i < latents.length; i++) {
            out[i] = latents[i] * inv + shift;
        }
        return out;
    }

    /** VAE encoder latents → denoiser latents, in place. */
    public void fromEncoder(float[] latents) {
        float scale = (float) scalingFactor;
        float shift = (float) shiftFactor;
        for (int i = 0; i < latents.length; i++) {
            latents[i] = (latents[i] - shift) * scale;
        }
    }
}

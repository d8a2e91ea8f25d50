package io.github.diffusion4j.pipeline;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * The image-editing part of a request: start from a picture (image-to-image) and, with a mask, repaint only part of
 * it (inpainting) — diffusers' {@code StableDiffusionImg2ImgPipeline} and {@code StableDiffusionInpaintPipeline}.
 *
 * @param image    the init image; resized to the request's size when that differs (bicubic), else its own size
 * @param mask     the inpainting mask (white = repaint, black = keep; binarised at 50 %), or {@code null} for
 *                 image-to-image
 * @param strength how much of the schedule runs, in (0, 1]: 1 repaints from pure noise (≈ text-to-image inside
 *                 the mask), 0.3 keeps most of the image (diffusers' {@code get_timesteps})
 * @param sampling how the init latents are taken from the VAE encoder's distribution (diffusers'
 *                 {@code retrieve_latents} modes)
 * @param composite for inpainting: paste the generated pixels into the init image inside the mask only, so that the
 *                 unmasked pixels come back unchanged (diffusers returns the whole decoded image, which the VAE round
 *                 trip alters slightly everywhere)
 */
public record InitImage(BufferedImage image, BufferedImage mask, double strength, LatentSampling sampling,
                        boolean composite) {

    /** diffusers' {@code retrieve_latents} modes. */
    public enum LatentSampling {
        /** {@code latent_dist.sample(generator)}: mean + std · noise from the request's seeded generator (default). */
        SAMPLE,
        /** {@code latent_dist.mode()}: the mean. */
        MEAN
    }

    public InitImage {
        Objects.requireNonNull(image, "image");
        sampling = sampling == null ? LatentSampling.SAMPLE : sampling;
    }

    /** Image-to-image from {@code image} at {@code strength}. */
    public static InitImage of(BufferedImage image, double strength) {
        return new InitImage(image, null, strength, LatentSampling.SAMPLE, false);
    }

    /** Inpainting of {@code image} where {@code mask} is white, at {@code strength}. */
    public static InitImage inpaint(BufferedImage image, BufferedImage mask, double strength) {
        return new InitImage(image, mask, strength, LatentSampling.SAMPLE, true);
    }

    /** Whether this is inpainting. */
    public boolean masked() {
        return mask != null;
    }
}

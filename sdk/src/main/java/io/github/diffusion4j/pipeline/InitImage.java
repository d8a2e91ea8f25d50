package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.PillowGaussianBlur;

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
 * @param maskBlur  Gaussian blur radius (σ, pixels) applied to the mask at its own size before it is resized and
 *                  binarised, as diffusers' {@code pipe.mask_processor.blur(mask, blur_factor)} does
 *                  ({@code VaeImageProcessor.blur}: Pillow's {@code ImageFilter.GaussianBlur}, reproduced exactly by
 *                  {@link PillowGaussianBlur}); 0 = none. Since the pipeline binarises at 50 %, the blur rounds the
 *                  mask's corners and removes specks thinner than about the radius rather than feathering. Written as
 *                  A1111's {@code Mask blur} in the infotext when above 0
 * @param paddingMaskCrop inpaint only the mask's region: diffusers' {@code padding_mask_crop} (see
 *                  {@link MaskCrop}): the mask's bounding box grown by this many pixels and widened to the generation
 *                  size's aspect ratio is cut out, inpainted at the generation size and pasted back into the full
 *                  picture (the result has the init image's size); {@code null} = the whole picture
 */
public record InitImage(BufferedImage image, BufferedImage mask, double strength, LatentSampling sampling,
                        boolean composite, int maskBlur, Integer paddingMaskCrop) {

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
        if (maskBlur < 0) {
            throw new IllegalArgumentException("maskBlur must be >= 0 (a Gaussian blur radius in pixels; 0 = no blur),"
                    + " got " + maskBlur);
        }
        if (paddingMaskCrop != null && paddingMaskCrop < 0) {
            throw new IllegalArgumentException("paddingMaskCrop must be >= 0 (pixels around the mask), got "
                    + paddingMaskCrop);
        }
        if (paddingMaskCrop != null && mask == null) {
            throw new IllegalArgumentException("paddingMaskCrop needs a mask (it crops around the masked area)");
        }
    }

    /** Without mask blur or mask crop. */
    public InitImage(BufferedImage image, BufferedImage mask, double strength, LatentSampling sampling,
                     boolean composite) {
        this(image, mask, strength, sampling, composite, 0, null);
    }

    /**
     * This edit with the mask blurred by a Gaussian of {@code radius} pixels first (see {@link #maskBlur()}).
     *
     * @throws IllegalArgumentException naming {@code maskBlur} when {@code radius} is negative
     */
    public InitImage withMaskBlur(int radius) {
        return new InitImage(image, mask, strength, sampling, composite, radius, paddingMaskCrop);
    }

    /**
     * This inpainting restricted to the mask's region grown by {@code pad} pixels (see {@link #paddingMaskCrop()}).
     *
     * @throws IllegalArgumentException naming {@code paddingMaskCrop} when {@code pad} is negative or there is no mask
     */
    public InitImage withPaddingMaskCrop(int pad) {
        return new InitImage(image, mask, strength, sampling, composite, maskBlur, pad);
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

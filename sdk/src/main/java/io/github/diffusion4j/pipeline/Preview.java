package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.Images;

import java.awt.image.BufferedImage;

/**
 * A cheap preview of the current denoising estimate: the predicted clean latent projected linearly to RGB, at
 * latent resolution (1/8 of the image). Costs microseconds, no VAE run.
 */
public record Preview(BufferedImage image) {

    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }

    /** PNG bytes (no metadata). */
    public byte[] png() {
        return Images.toPng(image, null);
    }
}

package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.Images;

import java.awt.image.BufferedImage;

/** One generated image with the parameters that made it. PNG bytes are encoded on first use and kept. */
public final class GeneratedImage {

    private final BufferedImage image;
    private final ImageMetadata metadata;
    private volatile byte[] png;

    public GeneratedImage(BufferedImage image, ImageMetadata metadata) {
        this.image = image;
        this.metadata = metadata;
    }

    public BufferedImage image() {
        return image;
    }

    public ImageMetadata metadata() {
        return metadata;
    }

    /** PNG bytes with the {@code parameters} tEXt chunk. */
    public byte[] png() {
        byte[] bytes = png;
        if (bytes == null) {
            bytes = Images.toPng(image, metadata.toA1111Parameters());
            png = bytes;
        }
        return bytes.clone();
    }

    @Override
    public String toString() {
        return "GeneratedImage[" + image.getWidth() + "x" + image.getHeight() + ", seed=" + metadata.seed() + "]";
    }
}

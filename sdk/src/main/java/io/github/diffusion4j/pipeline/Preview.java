package io.github.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.json.GenerationEventSerializer;

import java.awt.image.BufferedImage;
import java.util.function.Supplier;

/**
 * A cheap preview of the current denoising estimate: the predicted clean latent projected linearly to RGB, at
 * latent resolution (1/8 of the image). No VAE run.
 * <p>
 * The step event carries a snapshot of the latent; the picture is rendered on first access to {@link #image()} (on the
 * caller's thread) and kept, so a subscriber that ignores previews costs the denoising loop nothing but a copy.
 * <p>
 * In JSON: {@code width}, {@code height} and {@code image}, a PNG data URI.
 */
@JsonSerialize(using = GenerationEventSerializer.PreviewSerializer.class)
public final class Preview {

    private final int width;
    private final int height;
    private Supplier<BufferedImage> renderer;
    private BufferedImage image;

    Preview(int width, int height, Supplier<BufferedImage> renderer) {
        this.width = width;
        this.height = height;
        this.renderer = renderer;
    }

    /** A preview of an already rendered image. */
    public static Preview of(BufferedImage image) {
        Preview p = new Preview(image.getWidth(), image.getHeight(), null);
        p.image = image;
        return p;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The preview picture, rendered on first call. */
    public synchronized BufferedImage image() {
        if (image == null) {
            image = renderer.get();
            renderer = null;
        }
        return image;
    }

    /** PNG bytes (no metadata). */
    public byte[] png() {
        return Images.toPng(image(), null);
    }

    @Override
    public String toString() {
        return "Preview[" + width + "x" + height + "]";
    }
}

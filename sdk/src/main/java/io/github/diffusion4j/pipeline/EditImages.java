package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.PillowGaussianBlur;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The init image and mask as diffusers' {@code VaeImageProcessor} prepares them (image_processor.py): resized to the
 * generation size (bicubic here; diffusers' PIL default is Lanczos — give the image at the generation size for
 * identical numbers), RGB / 255 · 2 − 1 in float32, the mask as PIL's "L" luma / 255 binarised at 0.5 (1 = repaint),
 * the masked image {@code image · (mask < 0.5)}, and the latent mask by nearest-neighbour down-sampling
 * ({@code F.interpolate(mask, size=(h // 8, w // 8))}). A mask blur ({@link InitImage#maskBlur()}) comes first, at
 * the mask's own size, as {@code mask_processor.blur} before the pipeline call. With {@code padding_mask_crop}
 * ({@link MaskCrop}) the image and the mask are cut to the crop region first and resized from it: diffusers' "fill"
 * resize mode, which equals a plain resize when the region has the generation's aspect ratio (as
 * {@code get_crop_region} makes it, unless the picture's border clamps it).
 */
final class EditImages {

    private final int width;
    private final int height;
    private final int scale;
    private final float[] image;
    private final float[] mask;
    private final BufferedImage resized;
    /** {@code padding_mask_crop}'s region, or null. */
    private final MaskCrop crop;
    private final InitImage init;
    /** The mask after its blur, at the init image's size (what {@code apply_overlay} blends with). */
    private final BufferedImage fullMask;

    EditImages(InitImage init, int width, int height, int scale) {
        this.width = width;
        this.height = height;
        this.scale = scale;
        this.init = init;
        this.fullMask = init.mask() == null ? null : blurred(init.mask(), init.maskBlur());
        this.crop = fullMask == null || init.paddingMaskCrop() == null ? null
                : MaskCrop.of(fullMask, width, height, init.paddingMaskCrop());
        this.resized = resize(crop == null ? init.image() : crop.cut(init.image()), width, height);
        this.image = chw(resized);
        this.mask = fullMask == null ? null
                : binaryMask(resize(crop == null ? fullMask : crop.cut(fullMask), width, height));
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** [3, H, W] in [-1, 1]. */
    float[] image() {
        return image;
    }

    /** The init image at the generation size. */
    BufferedImage resized() {
        return resized;
    }

    /** [3, H, W]: the image where the mask keeps it, 0 (grey after decoding) where it repaints. */
    float[] maskedImage() {
        int plane = width * height;
        float[] out = image.clone();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                if (mask[i] >= 0.5f) {
                    out[c * plane + i] = 0f;
                }
            }
        }
        return out;
    }

    /** [h, w] of the latent grid: the mask's value at each cell's top-left pixel (nearest). */
    float[] latentMask() {
        int h = height / scale;
        int w = width / scale;
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = mask[(y * scale) * width + x * scale];
            }
        }
        return out;
    }

    /** Whether the generation ran on {@code padding_mask_crop}'s region only. */
    boolean cropped() {
        return crop != null;
    }

    /**
     * The decoded region put back into the full init picture ({@code apply_overlay}): resized to the region (bicubic;
     * a copy when the region has the generation size) and blended by the mask.
     */
    BufferedImage pasteBack(BufferedImage decoded) {
        return crop.overlay(init.image(), fullMask, resize(decoded, crop.width(), crop.height()));
    }

    /** Whether pixel (x, y) is repainted. */
    boolean repaints(int x, int y) {
        return mask[y * width + x] >= 0.5f;
    }

    /** {@code VaeImageProcessor.blur(mask, blur_factor)}, applied by the caller before the pipeline in diffusers. */
    private static BufferedImage blurred(BufferedImage mask, int radius) {
        return radius == 0 ? mask : PillowGaussianBlur.blur(mask, radius);
    }

    private static BufferedImage resize(BufferedImage source, int width, int height) {
        if (source.getWidth() == width && source.getHeight() == height) {
            return source;
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** [3, H, W] in [-1, 1], as {@code VaeImageProcessor.preprocess} makes it. */
    static float[] chw(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        int plane = w * h;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            out[i] = normalize((rgb[i] >> 16) & 0xFF);
            out[plane + i] = normalize((rgb[i] >> 8) & 0xFF);
            out[2 * plane + i] = normalize(rgb[i] & 0xFF);
        }
        return out;
    }

    /** {@code np.float32(v) / 255.0} then {@code 2.0 * x - 1.0}, in float32 as numpy computes it. */
    private static float normalize(int v) {
        return 2f * (v / 255f) - 1f;
    }

    private static float[] binaryMask(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] out = new float[w * h];
        boolean gray = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int luma;
                if (gray) {
                    luma = img.getRaster().getSample(x, y, 0);
                } else {
                    int rgb = img.getRGB(x, y);
                    // PIL's convert("L"): L = R * 299/1000 + G * 587/1000 + B * 114/1000
                    luma = (((rgb >> 16) & 0xFF) * 299 + ((rgb >> 8) & 0xFF) * 587 + (rgb & 0xFF) * 114) / 1000;
                }
                out[y * w + x] = luma / 255f >= 0.5f ? 1f : 0f;
            }
        }
        return out;
    }
}

package io.github.diffusion4j.pipeline;

import java.awt.image.BufferedImage;

/**
 * Inpainting of the masked area only: diffusers' {@code StableDiffusionInpaintPipeline(..., padding_mask_crop=pad)}
 * (pipeline_stable_diffusion_inpaint.py, {@code __call__} steps 4 and the final {@code apply_overlay}). The crop
 * region is {@code VaeImageProcessor.get_crop_region(mask, width, height, pad)} (src/diffusers/image_processor.py):
 * the bounding box of the mask's non-zero pixels, grown by {@code pad} on every side within the picture, then widened
 * (or heightened) to the generation size's aspect ratio and shifted back inside the picture. Image and mask are cut
 * to it and resized to the generation size; after decoding, {@code apply_overlay} resizes the result to the region,
 * pastes it there and lays the init picture over it with alpha {@code 255 − mask}: outside the mask the init pixels
 * come back exactly.
 *
 * @param x1 left, inclusive
 * @param y1 top, inclusive
 * @param x2 right, exclusive
 * @param y2 bottom, exclusive
 */
record MaskCrop(int x1, int y1, int x2, int y2) {

    int width() {
        return x2 - x1;
    }

    int height() {
        return y2 - y1;
    }

    /** Whether any pixel of {@code mask} is not black (a crop region exists). */
    static boolean anyMasked(BufferedImage mask) {
        for (int y = 0; y < mask.getHeight(); y++) {
            for (int x = 0; x < mask.getWidth(); x++) {
                if (luma(mask, x, y) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code get_crop_region(mask, width, height, pad)} on the mask as PIL's "L" sees it. */
    static MaskCrop of(BufferedImage mask, int width, int height, int pad) {
        int w = mask.getWidth();
        int h = mask.getHeight();
        int left = w;
        int right = -1;
        int top = h;
        int bottom = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (luma(mask, x, y) != 0) {
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                }
            }
        }
        if (right < 0) {
            // an all-black mask: diffusers' loops count every column from both sides and the region degenerates
            throw new IllegalArgumentException("paddingMaskCrop needs a mask with at least one non-black pixel");
        }
        // 2. padding, clamped to the picture (crop_right / crop_bottom count the empty lines from the far side)
        int x1 = Math.max(left - pad, 0);
        int y1 = Math.max(top - pad, 0);
        int x2 = Math.min(right + 1 + pad, w);
        int y2 = Math.min(bottom + 1 + pad, h);
        // 3. the generation size's aspect ratio
        double ratioCrop = (double) (x2 - x1) / (y2 - y1);
        double ratioProcessing = (double) width / height;
        if (ratioCrop > ratioProcessing) {
            int[] ys = expand(y1, y2, (int) ((x2 - x1) / ratioProcessing - (y2 - y1)), h);
            return new MaskCrop(x1, ys[0], x2, ys[1]);
        }
        int[] xs = expand(x1, x2, (int) ((y2 - y1) * ratioProcessing - (x2 - x1)), w);
        return new MaskCrop(xs[0], y1, xs[1], y2);
    }

    /** One axis of step 3: grow by {@code diff} (half before, rest after), then shift back into {@code [0, size]}. */
    private static int[] expand(int lo, int hi, int diff, int size) {
        lo -= Math.floorDiv(diff, 2);
        hi += diff - Math.floorDiv(diff, 2);
        if (hi >= size) {
            int over = hi - size;
            hi -= over;
            lo -= over;
        }
        if (lo < 0) {
            hi -= lo;
            lo = 0;
        }
        if (hi >= size) {
            hi = size;
        }
        return new int[] {lo, hi};
    }

    /** The region of {@code image}. */
    BufferedImage cut(BufferedImage image) {
        return image.getSubimage(x1, y1, width(), height());
    }

    /**
     * {@code apply_overlay(mask, init_image, image, crop_coords)}: {@code generated} (already at the region's size)
     * pasted into a black picture of the init's size at the region, then the init laid over it with alpha
     * {@code 255 − mask}: {@code out = (init · (255 − m) + generated · m) / 255}, rounded. Exact where the mask is 0 or
     * 255; Pillow's premultiplied paste and {@code alpha_composite} may round a soft mask's pixels 1/255 apart.
     */
    BufferedImage overlay(BufferedImage init, BufferedImage mask, BufferedImage generated) {
        int w = init.getWidth();
        int h = init.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int m = luma(mask, x, y);
                boolean inside = x >= x1 && x < x2 && y >= y1 && y < y2;
                int g = inside ? generated.getRGB(x - x1, y - y1) : 0;
                int i = init.getRGB(x, y);
                int rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int c = (((i >> shift) & 0xFF) * (255 - m) + ((g >> shift) & 0xFF) * m + 127) / 255;
                    rgb |= c << shift;
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /** PIL's {@code convert("L")} value: the grey sample, or {@code (R·299 + G·587 + B·114) / 1000}. */
    static int luma(BufferedImage img, int x, int y) {
        if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return img.getRaster().getSample(x, y, 0);
        }
        int rgb = img.getRGB(x, y);
        return (((rgb >> 16) & 0xFF) * 299 + ((rgb >> 8) & 0xFF) * 587 + (rgb & 0xFF) * 114) / 1000;
    }
}

package io.github.diffusion4j.image;

import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.Map;

/** Conversions between decoder output tensors, {@link BufferedImage} and PNG bytes. */
public final class Images {

    /** The PNG text keyword of A1111's generation settings. */
    public static final String PARAMETERS = "parameters";
    /** 2^23: where the float spacing is 1, so adding it rounds to an integer, ties to even. */
    private static final float ROUNDING = 8388608f;

    private Images() {
    }

    /**
     * Converts one image of a planar [3, h, w] tensor in [-1, 1] (the VAE decoder's range) to an RGB image,
     * as diffusers' {@code VaeImageProcessor.postprocess} does: {@code (x * 0.5 + 0.5).clamp(0, 1)}, then
     * numpy's {@code round(x * 255)} (half to even, see {@link #toByte}).
     *
     * @param data   the decoder output, NCHW
     * @param offset the index of this image's first value ({@code batchIndex * 3 * h * w})
     */
    public static BufferedImage fromDecoderOutput(float[] data, int offset, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        // Writing the raster's int array directly skips setRGB's per-pixel colour-model conversion (~10x faster).
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int plane = width * height;
        // one plane at a time: three simple loops run faster than one loop reading three planes (~25 %)
        for (int c = 0; c < 3; c++) {
            addPlane(rgb, data, offset + c * plane, plane, c);
        }
        return image;
    }

    /**
     * {@link #fromDecoderOutput(float[], int, int, int)} of a [3, H, W] buffer read in place (absolute reads: its
     * position is left alone), e.g. the decoder's pinned output tensor.
     */
    public static BufferedImage fromDecoderOutput(FloatBuffer data, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int plane = width * height;
        // a plane at a time through one plane-sized array: bulk copies out of the buffer, then array loops (reading
        // the buffer element by element is slower than copying it; copying all three planes touches 3x the memory)
        float[] values = new float[plane];
        for (int c = 0; c < 3; c++) {
            data.get(c * plane, values, 0, plane);
            addPlane(rgb, values, 0, plane, c);
        }
        return image;
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of {@code plane} pixels from {@code values} at {@code from}. */
    private static void addPlane(int[] rgb, float[] values, int from, int plane, int c) {
        int shift = 16 - 8 * c;
        if (c == 0) {
            for (int i = 0; i < plane; i++) {
                rgb[i] = toByte(values[from + i]) << shift;
            }
        } else {
            for (int i = 0; i < plane; i++) {
                rgb[i] |= toByte(values[from + i]) << shift;
            }
        }
    }

    /** An RGB image whose pixels are {@code rgb} (0xRRGGBB), copied. */
    public static BufferedImage fromRgb(int[] rgb, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        System.arraycopy(rgb, 0, ((DataBufferInt) image.getRaster().getDataBuffer()).getData(), 0, width * height);
        return image;
    }

    /**
     * diffusers' {@code (v * 0.5 + 0.5).clamp(0, 1)} (image_processor.py {@code denormalize}; the ONNX pipelines'
     * {@code np.clip(image / 2 + 0.5, 0, 1)} is the same float32 value), then {@code numpy_to_pil}'s
     * {@code (images * 255).round().astype("uint8")}: numpy rounds half to even. Adding 2^23 rounds a float in
     * [0, 255] to the nearest integer, ties to even, exactly as {@code np.round} does; its low byte is that integer,
     * and {@code (int) NaN} is 0, so a NaN value is black.
     */
    static int toByte(float v) {
        return (int) (Math.min(Math.max(v * 0.5f + 0.5f, 0f), 1f) * 255f + ROUNDING) & 0xFF;
    }

    /**
     * Encodes {@code image} as PNG. When {@code parameters} is not null it is stored under the keyword
     * {@code parameters}, the key AUTOMATIC1111 and most image browsers read generation settings from: a {@code tEXt}
     * chunk when it is Latin-1, an {@code iTXt} (UTF-8) chunk otherwise (see {@link PngText}).
     */
    public static byte[] toPng(BufferedImage image, String parameters) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("No PNG ImageWriter available in this JVM");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.getWidth() * image.getHeight() + 1024);
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        } finally {
            writer.dispose();
        }
        byte[] png = bytes.toByteArray();
        return parameters == null ? png : PngText.withText(png, Map.of(PARAMETERS, parameters));
    }

    /**
     * Reads the {@code parameters} text back from PNG bytes ({@code tEXt}, {@code zTXt} or {@code iTXt}), or
     * {@code null} when there is none.
     *
     * @throws IllegalArgumentException when the bytes are not a PNG
     */
    public static String readParameters(byte[] png) {
        return PngText.read(png).get(PARAMETERS);
    }
}

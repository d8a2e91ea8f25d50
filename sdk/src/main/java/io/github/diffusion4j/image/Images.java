package io.github.diffusion4j.image;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/** Conversions between decoder output tensors, {@link BufferedImage} and PNG bytes. */
public final class Images {

    private Images() {
    }

    /**
     * Converts one image of a planar [3, h, w] tensor in [-1, 1] (the VAE decoder's range) to an RGB image,
     * as diffusers' {@code VaeImageProcessor.postprocess} does: {@code (x / 2 + 0.5).clamp(0, 1)}, then
     * {@code round(x * 255)}.
     *
     * @param data   the decoder output, NCHW
     * @param offset the index of this image's first value ({@code batchIndex * 3 * h * w})
     */
    public static BufferedImage fromDecoderOutput(float[] data, int offset, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        // Writing the raster's int array directly skips setRGB's per-pixel colour-model conversion (~10x faster).
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int plane = width * height;
        for (int i = 0; i < plane; i++) {
            int r = toByte(data[offset + i]);
            int g = toByte(data[offset + plane + i]);
            int b = toByte(data[offset + 2 * plane + i]);
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        return image;
    }

    /** An RGB image whose pixels are {@code rgb} (0xRRGGBB), copied. */
    public static BufferedImage fromRgb(int[] rgb, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        System.arraycopy(rgb, 0, ((DataBufferInt) image.getRaster().getDataBuffer()).getData(), 0, width * height);
        return image;
    }

    private static int toByte(float v) {
        // (v / 2 + 0.5).clamp(0, 1), then round half up; Math.max/min keep the loop branch-free. NaN maps to 0
        // because Math.max(NaN, 0) is NaN and (int) NaN is 0.
        float x = Math.min(Math.max(v * 0.5f + 0.5f, 0f), 1f);
        return (int) (x * 255f + 0.5f);
    }

    /**
     * Encodes {@code image} as PNG. When {@code parameters} is not null it is stored in a {@code tEXt} chunk with
     * keyword {@code parameters}, the key AUTOMATIC1111 and most image browsers read generation settings from.
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
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            if (parameters != null) {
                addText(metadata, parameters);
            }
            writer.write(null, new IIOImage(image, null, metadata), param);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static void addText(IIOMetadata metadata, String parameters) throws IIOInvalidTreeException {
        String format = "javax_imageio_png_1.0";
        IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", "parameters");
        // tEXt is Latin-1 by the PNG spec; characters outside it are replaced rather than corrupting the chunk.
        entry.setAttribute("value", toLatin1(parameters));
        IIOMetadataNode text = new IIOMetadataNode("tEXt");
        text.appendChild(entry);
        IIOMetadataNode root = new IIOMetadataNode(format);
        root.appendChild(text);
        metadata.mergeTree(format, root);
    }

    private static String toLatin1(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c <= 0xFF ? c : '?');
        }
        return sb.toString();
    }

    /**
     * Reads the {@code parameters} tEXt chunk back from PNG bytes, or {@code null} when there is none.
     */
    public static String readParameters(byte[] png) {
        try (var in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(png))) {
            Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                IIOMetadata metadata = reader.getImageMetadata(0);
                org.w3c.dom.Node root = metadata.getAsTree("javax_imageio_png_1.0");
                for (org.w3c.dom.Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if ("tEXt".equals(n.getNodeName())) {
                        for (org.w3c.dom.Node e = n.getFirstChild(); e != null; e = e.getNextSibling()) {
                            var attrs = e.getAttributes();
                            if ("parameters".equals(attrs.getNamedItem("keyword").getNodeValue())) {
                                return attrs.getNamedItem("value").getNodeValue();
                            }
                        }
                    }
                }
                return null;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PNG decoding failed", e);
        }
    }
}

package io.github.diffusion4j.quarkus.rest;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/** Image bytes as the OpenAI endpoint sends them: PNG or JPEG (ImageIO), partial images scaled to the final size. */
final class OpenAiImages {

    private OpenAiImages() {
    }

    /** JPEG at {@code quality} in [0, 1], through ImageIO's built-in writer; the image loses nothing but colour depth. */
    static byte[] jpeg(BufferedImage image, float quality) {
        BufferedImage rgb = image.getType() == BufferedImage.TYPE_INT_RGB ? image : rgb(image, image.getWidth(), image.getHeight());
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("No JPEG writer in this JVM's ImageIO");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(rgb, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write JPEG", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write PNG", e);
        }
        return out.toByteArray();
    }

    /** {@code image} in {@code format} ({@code png} or {@code jpeg}), base64. */
    static String base64(BufferedImage image, String format, float quality) {
        byte[] bytes = format.equals("jpeg") ? jpeg(image, quality) : png(image);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A step preview (at latent resolution) scaled to the image size: a partial image where the final one will be. */
    static BufferedImage scaled(BufferedImage preview, int width, int height) {
        return rgb(preview, width, height);
    }

    private static BufferedImage rgb(BufferedImage source, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * The steps whose previews become the {@code partials} partial images of a {@code steps}-step generation:
     * evenly spaced, before the last step, each once (fewer when there are fewer steps, as OpenAI allows).
     */
    static List<Integer> partialSteps(int steps, int partials) {
        List<Integer> chosen = new ArrayList<>();
        for (int k = 1; k <= partials; k++) {
            int step = (int) Math.ceil((double) k * steps / (partials + 1));
            if (step >= 1 && step < steps && !chosen.contains(step)) {
                chosen.add(step);
            }
        }
        return chosen;
    }
}

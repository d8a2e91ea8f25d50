package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.quarkus.rest.config.RestRuntimeConfig;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Decodes the uploaded {@code image} and {@code mask} of an editing request (base64, a {@code data:} URI, or the bytes
 * of a multipart file), PNG or JPEG only, within the configured limits. The pixel count is read from the image header
 * before any pixel is decoded, so that a small file describing a huge bitmap is refused without allocating it.
 * Every refusal is an {@link InvalidRequestException} naming the field.
 *
 * @param maxBytes  largest encoded image in bytes
 * @param maxPixels most pixels (width × height)
 */
record ImageUploads(long maxBytes, long maxPixels) {

    /** The defaults of {@code quarkus.diffusion4j.rest.uploads}. */
    static final ImageUploads DEFAULT = new ImageUploads(8L * 1024 * 1024, 4L * 1024 * 1024);

    private static final List<String> FORMATS = List.of("png", "jpeg");

    static ImageUploads of(RestRuntimeConfig config) {
        RestRuntimeConfig.UploadsConfig u = config.uploads();
        return new ImageUploads(u.maxImageSize().asLongValue(), u.maxImagePixels());
    }

    /**
     * The largest body a JSON request may have: the fields' own limit plus the base64 text (4/3 of the bytes) of an
     * image and a mask at the size limit.
     */
    long jsonBodyLimit(long fieldsLimit) {
        return fieldsLimit + 2 * ((maxBytes + 2) / 3 * 4 + 64);
    }

    /**
     * The largest body a multipart request may have: the fields' own limit plus an image and a mask at the size limit,
     * with room for their part headers.
     */
    long multipartBodyLimit(long fieldsLimit) {
        return fieldsLimit + 2 * (maxBytes + 1024);
    }

    /** The bytes of a base64 text or {@code data:image/png;base64,...} / {@code data:image/jpeg;base64,...} URI. */
    byte[] decodeText(String field, String text) {
        String payload = text.strip();
        if (payload.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = payload.indexOf(',');
            String header = comma < 0 ? payload : payload.substring(5, comma).toLowerCase(Locale.ROOT);
            if (comma < 0 || !header.endsWith(";base64")) {
                throw new InvalidRequestException(field, "must be a base64 data URI (data:image/png;base64,...),"
                        + " got '" + Problems.shorten(payload) + "'");
            }
            payload = payload.substring(comma + 1);
        }
        if ((long) payload.length() / 4 * 3 > maxBytes + 3) {
            throw tooLarge(field, (long) payload.length() / 4 * 3);
        }
        try {
            return Base64.getMimeDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, "must be a PNG or JPEG image as base64 or a data: URI; it is not"
                    + " valid base64 (" + Problems.shorten(e.getMessage()) + ")");
        }
    }

    /** The decoded image of {@code bytes}, after checking their size, the format and the pixel count. */
    BufferedImage decode(String field, byte[] bytes) {
        if (bytes.length == 0) {
            throw new InvalidRequestException(field, "is empty: give a PNG or JPEG image");
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(field, bytes.length);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.hasNext() ? readers.next() : null;
            String format = reader == null ? null : reader.getFormatName().toLowerCase(Locale.ROOT);
            if (reader == null || !FORMATS.contains(format.equals("jpg") ? "jpeg" : format)) {
                throw new InvalidRequestException(field, "is not a PNG or JPEG image"
                        + (reader == null ? "" : " (it is " + format + ")"));
            }
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new InvalidRequestException(field, "must have at most " + maxPixels + " pixels"
                            + " (quarkus.diffusion4j.rest.uploads.max-image-pixels), got " + reader.getWidth(0) + "x"
                            + reader.getHeight(0));
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidRequestException invalid) {
                throw invalid;
            }
            // truncated or corrupt data: ImageIO reports it as IOException or, from some decoders, a runtime exception
            throw new InvalidRequestException(field, "is not a readable PNG or JPEG image ("
                    + Problems.shorten(String.valueOf(e.getMessage())) + ")");
        }
    }

    private InvalidRequestException tooLarge(String field, long bytes) {
        return new InvalidRequestException(field, "must be at most " + maxBytes + " bytes"
                + " (quarkus.diffusion4j.rest.uploads.max-image-size), got " + bytes);
    }
}

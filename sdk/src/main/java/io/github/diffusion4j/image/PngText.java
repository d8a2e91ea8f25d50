package io.github.diffusion4j.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Text chunks of PNG files, read and written at the byte level (PNG spec 1.2, sections 4.2.3.1–4.2.3.3).
 *
 * <p>Writing follows Pillow's {@code PngInfo.add_text}, which AUTOMATIC1111 uses to store its {@code parameters}:
 * a {@code tEXt} chunk when the value is representable in Latin-1 (the only charset {@code tEXt} allows), otherwise
 * an uncompressed {@code iTXt} chunk in UTF-8 with empty language tag and translated keyword. Reading accepts
 * {@code tEXt}, {@code zTXt} and {@code iTXt} (compressed or not), as Pillow's {@code PngImageFile.info} does.
 */
public final class PngText {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** Inflated text larger than this is refused (a zip bomb in a PNG would otherwise exhaust the heap). */
    private static final int MAX_TEXT_BYTES = 16 << 20;

    private PngText() {
    }

    /**
     * Returns {@code png} with one text chunk per entry inserted right after {@code IHDR} (so readers that stop at
     * the first {@code IDAT} still see them).
     *
     * @throws IllegalArgumentException when the bytes are not a PNG or a keyword is not 1–79 Latin-1 characters
     */
    public static byte[] withText(byte[] png, Map<String, String> entries) {
        int ihdrEnd = chunkEnd(png, requireSignature(png));
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 256);
        out.write(png, 0, ihdrEnd);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            writeChunk(out, e.getKey(), e.getValue());
        }
        out.write(png, ihdrEnd, png.length - ihdrEnd);
        return out.toByteArray();
    }

    /** Every text chunk of {@code png}, keyword to value, in file order (a repeated keyword keeps its first value). */
    public static Map<String, String> read(byte[] png) {
        Map<String, String> texts = new LinkedHashMap<>();
        int pos = requireSignature(png);
        while (pos + 12 <= png.length) {
            int length = ByteBuffer.wrap(png, pos, 4).getInt();
            if (length < 0 || pos + 12L + length > png.length) {
                throw new IllegalArgumentException("Corrupt PNG: chunk at byte " + pos + " runs past the end");
            }
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            byte[] data = Arrays.copyOfRange(png, pos + 8, pos + 8 + length);
            switch (type) {
                case "tEXt", "zTXt", "iTXt" -> decode(type, data, texts);
                case "IEND" -> {
                    return texts;
                }
                default -> {
                    // image data and other ancillary chunks carry no text
                }
            }
            pos += 12 + length;
        }
        return texts;
    }

    private static void writeChunk(ByteArrayOutputStream out, String keyword, String value) {
        byte[] key = keyword.getBytes(StandardCharsets.ISO_8859_1);
        if (key.length < 1 || key.length > 79 || !isLatin1(keyword)) {
            throw new IllegalArgumentException("PNG text keyword must be 1-79 Latin-1 characters, got '" + keyword + "'");
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream(value.length() + key.length + 8);
        data.write(key, 0, key.length);
        data.write(0);
        String type;
        if (isLatin1(value)) {
            type = "tEXt";
            byte[] text = value.getBytes(StandardCharsets.ISO_8859_1);
            data.write(text, 0, text.length);
        } else {
            type = "iTXt";
            data.write(0); // compression flag: uncompressed
            data.write(0); // compression method
            data.write(0); // empty language tag, terminated
            data.write(0); // empty translated keyword, terminated
            byte[] text = value.getBytes(StandardCharsets.UTF_8);
            data.write(text, 0, text.length);
        }
        byte[] body = data.toByteArray();
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(body);
        ByteBuffer header = ByteBuffer.allocate(8).putInt(body.length).put(typeBytes);
        out.write(header.array(), 0, 8);
        out.write(body, 0, body.length);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array(), 0, 4);
    }

    private static void decode(String type, byte[] data, Map<String, String> texts) {
        int nul = indexOf(data, 0);
        if (nul < 1) {
            return; // a text chunk without a keyword is ignored, as Pillow does
        }
        String keyword = new String(data, 0, nul, StandardCharsets.ISO_8859_1);
        String value;
        if (type.equals("tEXt")) {
            value = new String(data, nul + 1, data.length - nul - 1, StandardCharsets.ISO_8859_1);
        } else if (type.equals("zTXt")) {
            value = new String(inflate(Arrays.copyOfRange(data, nul + 2, data.length)), StandardCharsets.ISO_8859_1);
        } else {
            boolean compressed = nul + 1 < data.length && data[nul + 1] != 0;
            int language = indexOf(data, nul + 3);
            int translated = language < 0 ? -1 : indexOf(data, language + 1);
            if (translated < 0) {
                return;
            }
            byte[] text = Arrays.copyOfRange(data, translated + 1, data.length);
            value = new String(compressed ? inflate(text) : text, StandardCharsets.UTF_8);
        }
        texts.putIfAbsent(keyword, value);
    }

    private static byte[] inflate(byte[] compressed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_TEXT_BYTES) {
                    throw new IllegalArgumentException("PNG text chunk inflates past " + MAX_TEXT_BYTES + " bytes");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new UncheckedIOException(new IOException("Corrupt compressed PNG text chunk", e));
        } finally {
            inflater.end();
        }
    }

    private static int requireSignature(byte[] png) {
        if (png.length < SIGNATURE.length + 12 || !Arrays.equals(png, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw new IllegalArgumentException("Not a PNG file (no PNG signature)");
        }
        String first = new String(png, SIGNATURE.length + 4, 4, StandardCharsets.ISO_8859_1);
        if (!first.equals("IHDR")) {
            throw new IllegalArgumentException("Corrupt PNG: first chunk is '" + first + "', not IHDR");
        }
        return SIGNATURE.length;
    }

    private static int chunkEnd(byte[] png, int start) {
        return start + 12 + ByteBuffer.wrap(png, start, 4).getInt();
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = Math.max(from, 0); i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isLatin1(String s) {
        CharsetEncoder encoder = StandardCharsets.ISO_8859_1.newEncoder();
        return encoder.canEncode(s);
    }
}

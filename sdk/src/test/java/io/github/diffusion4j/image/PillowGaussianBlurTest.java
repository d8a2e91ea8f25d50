package io.github.diffusion4j.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PillowGaussianBlur} against Pillow's own {@code ImageFilter.GaussianBlur}, byte for byte, on the cases
 * {@code tools/goldens/mask_blur_goldens.py} recorded ("L" and "RGB" masks, radius 0, fractional radii, a radius
 * wider than the image).
 */
class PillowGaussianBlurTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<JsonNode> cases() throws IOException {
        try (InputStream in = PillowGaussianBlurTest.class.getResourceAsStream("/mask_blur/pillow.json")) {
            List<JsonNode> cases = new ArrayList<>();
            JSON.readTree(in).get("cases").forEach(cases::add);
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("cases")
    void equalsPillowPixelForPixel(JsonNode c) {
        int w = c.get("width").asInt();
        int h = c.get("height").asInt();
        boolean gray = c.get("mode").asText().equals("L");
        BufferedImage mask = image(c.get("mask"), w, h, gray);
        BufferedImage blurred = PillowGaussianBlur.blur(mask, (float) c.get("radius").asDouble());
        assertThat(blurred.getType()).isEqualTo(gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int[] expected = ints(c.get("expected"));
        assertThat(bytes(blurred, gray)).as(c.get("name").asText()).containsExactly(expected);
        if (c.get("radius").asDouble() > 0) {
            // the case would pass unblurred only if Pillow left it unchanged
            assertThat(bytes(mask, gray)).as("blur changes " + c.get("name").asText()).isNotEqualTo(expected);
        }
    }

    @Test
    void negativeRadiusIsRejected() {
        BufferedImage mask = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        assertThatThrownBy(() -> PillowGaussianBlur.blur(mask, -1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("radius");
    }

    private static BufferedImage image(JsonNode pixels, int w, int h, boolean gray) {
        int[] p = ints(pixels);
        if (gray) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setSamples(0, 0, w, h, 0, p);
            return img;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < w * h; i++) {
            img.setRGB(i % w, i / w, (p[3 * i] << 16) | (p[3 * i + 1] << 8) | p[3 * i + 2]);
        }
        return img;
    }

    /** Pillow's {@code tobytes()} layout: row-major, RGB interleaved. */
    private static int[] bytes(BufferedImage img, boolean gray) {
        int w = img.getWidth();
        int h = img.getHeight();
        if (gray) {
            return img.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
        }
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        int[] out = new int[3 * rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[3 * i] = (rgb[i] >> 16) & 0xFF;
            out[3 * i + 1] = (rgb[i] >> 8) & 0xFF;
            out[3 * i + 2] = rgb[i] & 0xFF;
        }
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}

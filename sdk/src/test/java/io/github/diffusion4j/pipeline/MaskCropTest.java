package io.github.diffusion4j.pipeline;

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
 * {@link MaskCrop#of} against diffusers' own {@code VaeImageProcessor.get_crop_region}, on the masks
 * {@code tools/goldens/mask_crop_goldens.py} ran it on (other aspect ratios, masks at the borders, a region clamped
 * to the picture, two boxes, one pixel).
 */
class MaskCropTest {

    static Stream<JsonNode> cases() throws IOException {
        try (InputStream in = MaskCropTest.class.getResourceAsStream("/mask_crop/diffusers.json")) {
            List<JsonNode> cases = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(cases::add);
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("cases")
    void regionIsDiffusers(JsonNode c) {
        BufferedImage mask = new BufferedImage(c.get("pictureWidth").asInt(), c.get("pictureHeight").asInt(),
                BufferedImage.TYPE_BYTE_GRAY);
        for (JsonNode r : c.get("rectangles")) {
            for (int y = r.get(1).asInt(); y < r.get(3).asInt(); y++) {
                for (int x = r.get(0).asInt(); x < r.get(2).asInt(); x++) {
                    mask.getRaster().setSample(x, y, 0, 255);
                }
            }
        }
        MaskCrop crop = MaskCrop.of(mask, c.get("width").asInt(), c.get("height").asInt(), c.get("pad").asInt());
        JsonNode e = c.get("region");
        assertThat(new int[] {crop.x1(), crop.y1(), crop.x2(), crop.y2()}).as(c.toString())
                .containsExactly(e.get(0).asInt(), e.get(1).asInt(), e.get(2).asInt(), e.get(3).asInt());
    }

    @Test
    void blackMaskIsRejected() {
        BufferedImage mask = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        assertThatThrownBy(() -> MaskCrop.of(mask, 8, 8, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("paddingMaskCrop");
    }
}

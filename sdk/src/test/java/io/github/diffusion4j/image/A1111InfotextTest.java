package io.github.diffusion4j.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.pipeline.ImageMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Our PNGs as AUTOMATIC1111 reads them. The goldens in {@code a1111/parsed.json} are what Pillow and A1111's own
 * {@code parse_generation_parameters} made of the PNGs this test writes to {@code target/a1111-pngs}
 * ({@code tools/goldens/a1111_infotext_reference.py}).
 */
class A1111InfotextTest {

    static final Map<String, ImageMetadata> CASES = new LinkedHashMap<>();

    static {
        CASES.put("ascii.png", new ImageMetadata("a red circle on a blue background", "blurry", 20, "euler_a", 7.0, 42,
                512, 512, "sd15", 0, "torch", "6ce0161689"));
        CASES.put("unicode.png", new ImageMetadata("日本 café 🙂", "ぼやけた, 低品質", 25, "dpmpp_2m_karras", 7.5,
                4294967295L, 768, 512, "モデル", 0, "numpy", null));
        CASES.put("latin1.png", new ImageMetadata("café crème, façade", "", 30, "pndm", 5.0, 0, 64, 64, "scenes", 0,
                "torch", null));
        CASES.put("quoted.png", new ImageMetadata("line one\nline two", "no \"quotes\"\nplease", 4, "ddim", 1.5, 7, 96, 64,
                "my, model: v2 \"beta\"", 2, "torch", "0123456789"));
        CASES.put("ddpm.png", new ImageMetadata("Steps: 3, a prompt that looks like fields", "x", 1, "ddpm", 0.0,
                123456789012L, 8, 8, "tiny", 0, "torch", null));
        ImageMetadata base = new ImageMetadata("a castle on a hill", "blurry", 20, "euler_a", 7.0, 42, 512, 512, "sd15", 0,
                "torch", "6ce0161689");
        CASES.put("img2img.png", base.withEditing(0.75, null));
        CASES.put("inpaint_mask_blur.png", base.withEditing(0.75, null).withMaskBlur(4));
        CASES.put("hires_scale.png", base.withEditing(0.7, new ImageMetadata.Hires(2.0, null, null, 10, "Latent", null)));
        CASES.put("hires_resize.png", base.withEditing(0.55, new ImageMetadata.Hires(null, 1024, 768, 0, "Lanczos",
                "dpmpp_2m")));
        CASES.put("hires_nearest_x1_5.png", base.withEditing(0.5, new ImageMetadata.Hires(1.5, null, null, 0,
                "Latent (nearest)", null)));
    }

    @BeforeAll
    static void writePngs() throws IOException {
        Path dir = Path.of("target", "a1111-pngs");
        Files.createDirectories(dir);
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (Map.Entry<String, ImageMetadata> e : CASES.entrySet()) {
            Files.write(dir.resolve(e.getKey()), Images.toPng(image, e.getValue().toA1111Parameters()));
        }
    }

    private static JsonNode goldens() throws IOException {
        try (InputStream in = A1111InfotextTest.class.getResourceAsStream("/a1111/parsed.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void a1111ReadsOurPngsWithTheSettingsWeWrote() throws IOException {
        JsonNode goldens = goldens();
        assertThat(goldens.size()).isEqualTo(CASES.size());
        for (Map.Entry<String, ImageMetadata> e : CASES.entrySet()) {
            JsonNode golden = goldens.get(e.getKey());
            byte[] png = Files.readAllBytes(Path.of("target", "a1111-pngs", e.getKey()));
            // Pillow read back exactly the text we wrote (tEXt or iTXt)
            assertThat(golden.get("parameters").asText()).as(e.getKey()).isEqualTo(e.getValue().toA1111Parameters())
                    .isEqualTo(Images.readParameters(png));

            // every field we parse, A1111 parses to the same value
            JsonNode parsed = golden.get("parsed");
            Infotext.Parsed ours = Infotext.parse(Images.readParameters(png));
            assertThat(parsed.get("Prompt").asText()).as(e.getKey()).isEqualTo(ours.prompt()).isEqualTo(e.getValue().prompt());
            assertThat(parsed.get("Negative prompt").asText()).as(e.getKey()).isEqualTo(ours.negativePrompt())
                    .isEqualTo(e.getValue().negativePrompt());
            ours.fields().forEach((key, value) -> {
                if (!ours.fields().containsKey(key + "-1")) { // A1111 keeps only Size-1 and Size-2 of a WxH value
                    assertThat(parsed.get(key)).as(e.getKey() + " " + key).isNotNull();
                    assertThat(parsed.get(key).asText()).as(e.getKey() + " " + key).isEqualTo(value);
                }
            });
            assertThat(parsed.get("Size-1").asInt()).isEqualTo(e.getValue().width());
            assertThat(parsed.get("Size-2").asInt()).isEqualTo(e.getValue().height());

            // and the settings come back whole
            assertThat(ImageMetadata.fromA1111Parameters(golden.get("parameters").asText())).as(e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void editingAndHiresFieldsAreA1111s() throws IOException {
        JsonNode goldens = goldens();
        JsonNode scale = goldens.get("hires_scale.png").get("parsed");
        assertThat(scale.get("Denoising strength").asText()).isEqualTo("0.7");
        assertThat(scale.get("Hires upscale").asText()).isEqualTo("2");
        assertThat(scale.get("Hires steps").asText()).isEqualTo("10");
        assertThat(scale.get("Hires upscaler").asText()).isEqualTo("Latent");
        assertThat(scale.get("Hires sampler").asText()).as("A1111's default").isEqualTo("Use same sampler");
        JsonNode resize = goldens.get("hires_resize.png").get("parsed");
        assertThat(resize.get("Hires resize-1").asText()).isEqualTo("1024");
        assertThat(resize.get("Hires resize-2").asText()).isEqualTo("768");
        assertThat(resize.get("Hires sampler").asText()).isEqualTo("DPM++ 2M");
        assertThat(resize.get("Hires upscaler").asText()).isEqualTo("Lanczos");
        assertThat(goldens.get("img2img.png").get("parsed").get("Denoising strength").asText()).isEqualTo("0.75");
        assertThat(goldens.get("ascii.png").get("parsed").has("Denoising strength")).isFalse();
        assertThat(goldens.get("inpaint_mask_blur.png").get("parsed").get("Mask blur").asText()).isEqualTo("4");
        assertThat(goldens.get("img2img.png").get("parsed").has("Mask blur")).isFalse();
    }

    @Test
    void samplerNamesAreA1111s() throws IOException {
        JsonNode goldens = goldens();
        assertThat(goldens.get("ascii.png").get("parsed").get("Sampler").asText()).isEqualTo("Euler a");
        assertThat(goldens.get("unicode.png").get("parsed").get("Sampler").asText()).isEqualTo("DPM++ 2M Karras");
        assertThat(goldens.get("latin1.png").get("parsed").get("Sampler").asText()).isEqualTo("PLMS");
        assertThat(goldens.get("ascii.png").get("parsed").get("Model hash").asText()).isEqualTo("6ce0161689");
        // A1111 1.9+ writes the schedule apart
        assertThat(ImageMetadata.fromA1111Parameters("x\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7,"
                + " Seed: 1, Size: 512x512").scheduler()).isEqualTo("dpmpp_2m_karras");
        assertThat(ImageMetadata.fromA1111Parameters("x\nSteps: 20, Sampler: Euler a, Schedule type: Automatic,"
                + " CFG scale: 7, Seed: 1, Size: 512x512").scheduler()).isEqualTo("euler_a");
        assertThat(ImageMetadata.fromA1111Parameters("x\nSteps: 20, Sampler: UniPC, CFG scale: 7, Seed: 1").scheduler())
                .isNull();
    }

    @Test
    void textOutsideLatin1GoesToAnUtf8ItxtChunk() throws IOException {
        byte[] unicode = Files.readAllBytes(Path.of("target", "a1111-pngs", "unicode.png"));
        byte[] latin1 = Files.readAllBytes(Path.of("target", "a1111-pngs", "latin1.png"));
        assertThat(chunkTypes(unicode)).contains("iTXt").doesNotContain("tEXt");
        assertThat(chunkTypes(latin1)).contains("tEXt").doesNotContain("iTXt");
        assertThat(Images.readParameters(unicode)).startsWith("日本 café 🙂\nNegative prompt: ぼやけた, 低品質\n");
        // the image itself still decodes
        assertThat(ImageIO.read(new ByteArrayInputStream(unicode)).getWidth()).isEqualTo(8);
    }

    @Test
    void compressedTextChunksAreRead() {
        byte[] png = Images.toPng(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), null);
        assertThat(Images.readParameters(png)).isNull();
        byte[] withZtxt = insertAfterIhdr(png, "zTXt", concat("parameters\0\0".getBytes(StandardCharsets.ISO_8859_1),
                deflate("café".getBytes(StandardCharsets.ISO_8859_1))));
        assertThat(Images.readParameters(withZtxt)).isEqualTo("café");
        byte[] withItxt = insertAfterIhdr(png, "iTXt", concat("parameters\0\1\0ja\0\0".getBytes(StandardCharsets.ISO_8859_1),
                deflate("日本".getBytes(StandardCharsets.UTF_8))));
        assertThat(Images.readParameters(withItxt)).isEqualTo("日本");
    }

    @Test
    void notAPngIsRefusedByName() {
        assertThatThrownBy(() -> Images.readParameters("GIF89a....................".getBytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not a PNG");
    }

    @Test
    void quoteAndUnquoteAreJsonStrings() {
        assertThat(Infotext.quote("plain")).isEqualTo("plain");
        assertThat(Infotext.quote("a, b")).isEqualTo("\"a, b\"");
        assertThat(Infotext.quote("k: \"v\"\n\\")).isEqualTo("\"k: \\\"v\\\"\\n\\\\\"");
        assertThat(Infotext.unquote("\"k: \\\"v\\\"\\n\\\\ \\u00e9\"")).isEqualTo("k: \"v\"\n\\ é");
        assertThat(Infotext.unquote("\"broken \\x\"")).isEqualTo("\"broken \\x\"");
        assertThat(Infotext.parse("p\nSteps: 3, Sampler: Euler, Model: \"a, b\"").get("Model")).isEqualTo("a, b");
    }

    private static List<String> chunkTypes(byte[] png) {
        List<String> types = new ArrayList<>();
        for (int pos = 8; pos + 8 <= png.length; ) {
            int length = ByteBuffer.wrap(png, pos, 4).getInt();
            types.add(new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1));
            pos += 12 + length;
        }
        return types;
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + 64];
        int n = deflater.deflate(out);
        deflater.end();
        return Arrays.copyOf(out, n);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] insertAfterIhdr(byte[] png, String type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 33); // signature (8) + IHDR (4 + 4 + 13 + 4)
        CRC32 crc = new CRC32();
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(8).putInt(data.length).put(typeBytes).array());
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        out.write(png, 33, png.length - 33);
        return out.toByteArray();
    }
}

package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Random;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.sendBytes;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Image editing over REST on the tiny models: init image and mask as JSON data URIs and as multipart files, the
 * upload limits, problem+json naming the field, the model descriptor in {@code /v1/models}, and the OpenAI-compatible
 * {@code /v1/images/edits} with OpenAI's mask convention.
 */
class ImageEditingRestTest {

    static final String API = "/diffusion/v1";

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class, Multipart.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.\"inpaint\".path", RestTestSupport.model("sd-inpaint"))
            .overrideConfigKey("quarkus.diffusion4j.\"inpaint\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"inpaint\".steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.rest.uploads.max-image-size", "40K")
            .overrideConfigKey("quarkus.diffusion4j.rest.uploads.max-image-pixels", "16384")
            .overrideConfigKey("quarkus.diffusion4j.rest.openai.enabled", "true");

    @TestHTTPResource("/")
    URI base;

    @Test
    void modelsShowFamilyAndImageInput() {
        JsonNode models = json(send(HttpRequest.newBuilder(uri(base, API + "/models")).build()).body());
        JsonNode plain = models.get(0);
        assertThat(plain.get("family").asText()).isEqualTo("sd");
        // the SDK descriptor's multiple (VAE scale times the UNet's downsampling), which requests are checked against
        assertThat(plain.get("sizeMultiple").asInt() % 8).isZero();
        assertThat(plain.get("imageInput").asBoolean()).isTrue();
        assertThat(plain.get("inpaintingOnly").asBoolean()).isFalse();
        assertThat(plain.get("schedulers")).extracting(JsonNode::asText).contains("euler", "ddim");
        JsonNode inpaint = models.get(1);
        assertThat(inpaint.get("name").asText()).isEqualTo("inpaint");
        assertThat(inpaint.get("inpaintingOnly").asBoolean()).isTrue();
    }

    @Test
    void jsonImageToImageAnswersAnImageOfTheInitImagesSize() throws IOException {
        HttpResponse<byte[]> response = sendBytes(post(base, API + "/images", "{\"prompt\":\"a fox\",\"seed\":1,"
                + "\"image\":\"" + dataUri(solid(64, 48, 0x3366CC)) + "\",\"strength\":0.5}").build());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(48);
    }

    @Test
    void jsonInpaintingKeepsTheUnmaskedPixels() throws IOException {
        BufferedImage init = noise(64, 64, 3);
        String body = "{\"prompt\":\"a fox\",\"model\":\"inpaint\",\"seed\":2,\"image\":\"" + base64(init)
                + "\",\"mask\":\"" + dataUri(leftHalfWhite(64, 64)) + "\"}";
        HttpResponse<byte[]> response = sendBytes(post(base, API + "/images", body).build());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertUnchangedRightHalf(init, out);
    }

    @Test
    void multipartJobRunsToCompletion() throws InterruptedException {
        HttpResponse<String> submitted = send(new Multipart().text("prompt", "a fox").text("model", "inpaint")
                .text("strength", "0.75").text("seed", "3")
                .file("image", "init.png", "image/png", png(noise(64, 64, 4)))
                .file("mask", "mask.png", "image/png", png(leftHalfWhite(64, 64)))
                .post(uri(base, API + "/jobs")).build());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = json(submitted.body()).get("id").asText();
        String state = "queued";
        for (int i = 0; i < 600 && !state.equals("completed") && !state.equals("failed"); i++) {
            Thread.sleep(100);
            state = json(send(HttpRequest.newBuilder(uri(base, API + "/jobs/" + id)).build()).body()).get("state").asText();
        }
        assertThat(state).isEqualTo("completed");
    }

    @Test
    void badUploadsNameTheField() {
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"image\":\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString("not an image".getBytes()) + "\"}"), "image", "not a PNG or JPEG");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"image\":\"" + base64(solid(64, 64, 0))
                + "\",\"strength\":1.5}"), "strength", "greater than 0 and at most 1");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"image\":\"" + base64(solid(64, 64, 0))
                + "\",\"mask\":\"" + base64(solid(32, 64, 0xFFFFFF)) + "\"}"), "mask", "size of the image (64x64)");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"image\":\"" + base64(noise(128, 128, 5)) + "\"}"),
                "image", "at most 40960 bytes");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"image\":\"" + base64(solid(200, 200, 0)) + "\"}"),
                "image", "at most 16384 pixels");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"strength\":0.5}"), "strength", "only with an image");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"model\":\"inpaint\",\"image\":\""
                + base64(solid(64, 64, 0)) + "\"}"), "mask", "inpainting model");
        assertField(new Multipart().text("prompt", "x").text("steps", "two")
                .file("image", "i.png", "image/png", png(solid(64, 64, 0))).post(uri(base, API + "/jobs")),
                "steps", "must be an integer");
        assertField(new Multipart().text("prompt", "x").file("image", "i.png", "image/png", "GIF89a".getBytes())
                .post(uri(base, API + "/jobs")), "image", "not a PNG or JPEG");
    }

    @Test
    void openAiEditRepaintsOnlyTheTransparentPixels() throws IOException {
        BufferedImage init = noise(64, 64, 6);
        BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                mask.setRGB(x, y, x < 32 ? 0x00000000 : 0xFF000000); // left half transparent: edit it
            }
        }
        HttpResponse<String> response = send(new Multipart().text("prompt", "a red square").text("n", "1")
                .text("size", "64x64").text("response_format", "b64_json").text("model", "gpt-image-1")
                .file("image", "image.png", "image/png", png(init)).file("mask", "mask.png", "image/png", png(mask))
                .post(uri(base, "/v1/images/edits")).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode data = json(response.body()).get("data");
        assertThat(data).hasSize(1);
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(
                Base64.getDecoder().decode(data.get(0).get("b64_json").asText())));
        assertUnchangedRightHalf(init, out);
        assertThat(differs(init, out, 0, 32)).as("the transparent half is repainted").isTrue();
    }

    @Test
    void openAiEditErrorsAreOpenAiErrorObjects() {
        HttpResponse<String> response = send(new Multipart().text("prompt", "x").text("response_format", "url")
                .post(uri(base, "/v1/images/edits")).build());
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo("response_format");
        assertThat(error.get("message").asText()).contains("image is required");
        HttpResponse<String> opaque = send(new Multipart().text("prompt", "x")
                .file("image", "i.png", "image/png", png(solid(64, 64, 0)))
                .file("mask", "m.png", "image/png", png(solid(64, 64, 0xFFFFFF)))
                .post(uri(base, "/v1/images/edits")).build());
        assertThat(opaque.statusCode()).isEqualTo(400);
        assertThat(json(opaque.body()).get("error").get("param").asText()).isEqualTo("mask");
        assertThat(opaque.body()).contains("alpha channel");
    }

    private static void assertField(HttpRequest.Builder request, String field, String message) {
        HttpResponse<String> response = send(request.build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode errors = json(response.body()).get("errors");
        assertThat(errors).as(response.body()).anySatisfy(e -> {
            assertThat(e.get("field").asText()).isEqualTo(field);
            assertThat(e.get("message").asText()).contains(message);
        });
    }

    private static void assertUnchangedRightHalf(BufferedImage init, BufferedImage out) {
        assertThat(out.getWidth()).isEqualTo(init.getWidth());
        for (int y = 0; y < init.getHeight(); y++) {
            for (int x = init.getWidth() / 2; x < init.getWidth(); x++) {
                int a = init.getRGB(x, y);
                int b = out.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    assertThat(Math.abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)))
                            .as("pixel %d,%d", x, y).isLessThanOrEqualTo(1);
                }
            }
        }
    }

    private static boolean differs(BufferedImage a, BufferedImage b, int fromX, int toX) {
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = fromX; x < toX; x++) {
                if ((a.getRGB(x, y) & 0xFFFFFF) != (b.getRGB(x, y) & 0xFFFFFF)) {
                    return true;
                }
            }
        }
        return false;
    }

    static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    static BufferedImage noise(int w, int h, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    static BufferedImage leftHalfWhite(int w, int h) {
        BufferedImage image = solid(w, h, 0);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w / 2; x++) {
                image.setRGB(x, y, 0xFFFFFF);
            }
        }
        return image;
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String base64(BufferedImage image) {
        return Base64.getEncoder().encodeToString(png(image));
    }

    static String dataUri(BufferedImage image) {
        return "data:image/png;base64," + base64(image);
    }
}

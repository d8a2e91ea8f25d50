package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.image.Images;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.sendBytes;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/** Hires fix over REST: the {@code hires} JSON object, the {@code hires.*} multipart fields, problems naming the field. */
class HiresRestTest {

    static final String API = "/diffusion/v1";

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class, Multipart.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2");

    @TestHTTPResource("/")
    URI base;

    @Test
    void jsonHiresAnswersTheTargetSizeWithA1111Metadata() throws IOException {
        HttpResponse<byte[]> response = sendBytes(post(base, API + "/images", "{\"prompt\":\"a fox\",\"seed\":1,"
                + "\"width\":64,\"height\":64,\"hires\":{\"scale\":2,\"strength\":0.5,\"steps\":4,"
                + "\"upscaler\":\"latent-nearest\"}}").build());
        assertThat(response.statusCode()).isEqualTo(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(image.getWidth()).isEqualTo(128);
        assertThat(image.getHeight()).isEqualTo(128);
        assertThat(Images.readParameters(response.body())).contains("Size: 64x64", "Denoising strength: 0.5",
                "Hires upscale: 2", "Hires steps: 4", "Hires upscaler: Latent (nearest)");
    }

    @Test
    void theStreamShowsBothPassesInOneProgress() {
        java.util.List<JsonNode> steps = new java.util.ArrayList<>();
        String started = null;
        try (RestTestSupport.SseReader sse = new RestTestSupport.SseReader(post(base, API + "/images/stream",
                "{\"prompt\":\"a fox\",\"seed\":2,\"width\":64,\"height\":64,\"steps\":3,\"scheduler\":\"euler\","
                        + "\"hires\":{\"scale\":1.5,\"strength\":0.5,\"steps\":4}}").build())) {
            assertThat(sse.status()).isEqualTo(200);
            for (RestTestSupport.Sse e = sse.next(); e != null; e = sse.next()) {
                if ("step".equals(e.event())) {
                    steps.add(e.json());
                } else if ("started".equals(e.event())) {
                    started = e.data();
                }
            }
        }
        assertThat(started).as("both passes' steps, the final size").contains("\"steps\":5", "\"width\":96");
        assertThat(steps).extracting(s -> s.get("phase").asText())
                .containsExactly("txt2img", "txt2img", "txt2img", "hires", "hires");
        assertThat(steps).extracting(s -> s.get("index").asInt()).containsExactly(1, 2, 3, 4, 5);
        assertThat(steps).allSatisfy(s -> assertThat(s.get("total").asInt()).isEqualTo(5));
    }

    @Test
    void multipartHiresFieldsRunAJob() throws InterruptedException {
        HttpResponse<String> submitted = send(new Multipart().text("prompt", "a fox").text("seed", "3")
                .text("width", "64").text("height", "64").text("hires.width", "96").text("hires.height", "96")
                .text("hires.upscaler", "lanczos").text("hires.strength", "0.6")
                .post(uri(base, API + "/jobs")).build());
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = json(submitted.body()).get("id").asText();
        JsonNode job = null;
        String state = "queued";
        for (int i = 0; i < 600 && !state.equals("completed") && !state.equals("failed"); i++) {
            Thread.sleep(100);
            job = json(send(HttpRequest.newBuilder(uri(base, API + "/jobs/" + id)).build()).body());
            state = job.get("state").asText();
        }
        assertThat(state).as(String.valueOf(job)).isEqualTo("completed");
    }

    @Test
    void badHiresFieldsAreNamed() {
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"hires\":{\"scale\":9}}"), "hires.scale",
                "between 1 and 4");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"hires\":{\"upscaler\":\"ESRGAN\"}}"),
                "hires.upscaler", "latent-nearest");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"hires\":{\"strength\":0}}"), "hires.strength",
                "(0, 1]");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"hires\":{\"factor\":2}}"), "hires.factor",
                "unknown field");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"width\":64,\"height\":64,"
                + "\"hires\":{\"width\":8192}}"), "hires.width", "between 16 and");
        assertField(post(base, API + "/images", "{\"prompt\":\"x\",\"hires\":{\"scheduler\":\"warp\"}}"),
                "hires.scheduler", "warp");
        assertField(new Multipart().text("prompt", "x").text("hires.steps", "ten").post(uri(base, API + "/jobs")),
                "hires.steps", "must be an integer");
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
}

package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Base64;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory and work budgets over REST ({@code limits.max-pixels}, {@code limits.max-cost}): a 400 problem naming the
 * multiplied fields and the allowed maximum on the native API, OpenAI's error object with {@code param: size} on the
 * OpenAI endpoints, and an edit counted by the steps its strength leaves.
 */
class BudgetRestTest {

    private static final long MAX_PIXELS = 128 * 128;
    private static final long MAX_COST = MAX_PIXELS * 4;

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, Multipart.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.limits.max-pixels", Long.toString(MAX_PIXELS))
            .overrideConfigKey("quarkus.diffusion4j.limits.max-cost", Long.toString(MAX_COST))
            .overrideConfigKey("quarkus.diffusion4j.rest.openai.enabled", "true");

    @TestHTTPResource("/")
    URI base;

    @Test
    void tooManyPixelsIsAProblemNamingTheFields() {
        JsonNode problem = problem("/diffusion/v1/images", "{\"prompt\":\"p\",\"width\":128,\"height\":128,\"batch\":2}");
        assertThat(problem.get("errors")).hasSize(1);
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("width*height*batch");
        assertThat(problem.get("errors").get(0).get("message").asText())
                .isEqualTo("must be at most 16384 pixels (the memory budget, limits.max-pixels), got 128 × 128 × 2 = 32768");
        // also for jobs: nothing is queued
        assertThat(problem("/diffusion/v1/jobs", "{\"prompt\":\"p\",\"width\":256,\"height\":128}")
                .get("errors").get(0).get("field").asText()).isEqualTo("width*height*batch");
    }

    @Test
    void tooMuchWorkIsAProblemNamingTheFields() {
        JsonNode problem = problem("/diffusion/v1/jobs", "{\"prompt\":\"p\",\"width\":128,\"height\":128,\"steps\":5}");
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("width*height*steps*batch");
        assertThat(problem.get("errors").get(0).get("message").asText()).startsWith("must be at most 65536 pixel-steps")
                .endsWith("got 128 × 128 × 5 × 1 = 81920");
        HttpResponse<String> within = send(post(base, "/diffusion/v1/jobs",
                "{\"prompt\":\"p\",\"width\":128,\"height\":128,\"steps\":4}").build());
        assertThat(within.statusCode()).as(within.body()).isEqualTo(202);
    }

    @Test
    void anEditCountsTheStepsItsStrengthLeaves() {
        String image = "data:image/png;base64," + png(128, 128);
        // 8 steps at strength 0.5 run 4: 128 × 128 × 4 is the budget exactly
        HttpResponse<String> edit = send(post(base, "/diffusion/v1/jobs", "{\"prompt\":\"p\",\"image\":\"" + image
                + "\",\"strength\":0.5,\"steps\":8}").build());
        assertThat(edit.statusCode()).as(edit.body()).isEqualTo(202);
        JsonNode refused = problem("/diffusion/v1/jobs", "{\"prompt\":\"p\",\"image\":\"" + image
                + "\",\"strength\":0.75,\"steps\":8}");
        assertThat(refused.get("errors").get(0).get("message").asText()).contains("× 6 (of 8 at strength 0.75) ×");
    }

    @Test
    void openAiEndpointsAnswerWithTheirErrorObject() {
        HttpResponse<String> response = send(post(base, "/v1/images/generations",
                "{\"prompt\":\"p\",\"size\":\"128x128\",\"n\":2}").build());
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("size");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("the memory budget, limits.max-pixels");

        Multipart form = new Multipart().text("prompt", "p").text("size", "256x128")
                .file("image", "image.png", "image/png", Base64.getDecoder().decode(png(256, 128)));
        HttpResponse<String> edit = send(form.post(RestTestSupport.uri(base, "/v1/images/edits")).build());
        assertThat(edit.statusCode()).as(edit.body()).isEqualTo(400);
        JsonNode editError = json(edit.body()).get("error");
        assertThat(editError.get("param").asText()).isEqualTo("size");
        assertThat(editError.get("message").asText()).contains("limits.max-pixels");
    }

    private JsonNode problem(String path, String body) {
        HttpResponse<String> response = send(post(base, path, body).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        return json(response.body());
    }

    private static String png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}

package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI-compatible endpoint as OpenAI clients use it: error objects, streaming with partial images, output
 * formats, {@code size: auto}; and the official OpenAI Node SDK (npm {@code openai}, installed by
 * {@code tools/ci/prepare.d/30-node-openai.sh}) run against it in a real Node process.
 */
class OpenAiCompatibilityTest {

    private static final String PATH = "/v1/images/generations";

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "4")
            .overrideConfigKey("quarkus.diffusion4j.rest.openai.enabled", "true");

    @TestHTTPResource("/")
    URI base;

    @Test
    void errorsAreOpenAiErrorObjectsNamingEachFieldOnce() {
        HttpResponse<String> response = send(post(base, PATH,
                "{\"prompt\":\"p\",\"response_format\":\"url\",\"size\":\"1001x1003\",\"n\":0}").build());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo("response_format");
        assertThat(error.get("code").asText()).isEqualTo("invalid_value");
        String message = error.get("message").asText();
        assertThat(message).contains("only b64_json is supported", "width", "height", "n must be");
        assertThat(message.split("size ", -1)).hasSize(2); // width and height: one entry for size
    }

    @Test
    void malformedAndWronglyTypedBodiesGetErrorObjects() {
        for (String body : new String[] {"nope", "{\"prompt\":\"p\",\"n\":\"2\"}", "{\"prompt\":\"p\",\"stream\":\"true\"}",
                "{\"prompt\":\"p\",\"partial_images\":4,\"stream\":true}", "{\"prompt\":\"p\",\"mask\":\"x\"}"}) {
            HttpResponse<String> response = send(post(base, PATH, body).build());
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(json(response.body()).get("error").get("message").asText()).as(body).isNotBlank();
        }
    }

    @Test
    void sizeAutoIsTheNativeSize() throws IOException {
        BufferedImage image = image(json(send(post(base, PATH, "{\"prompt\":\"p\",\"size\":\"auto\"}").build()).body())
                .get("data").get(0).get("b64_json").asText());
        assertThat(image.getWidth()).isEqualTo(64); // sample_size 8 × VAE factor 8
        assertThat(image.getHeight()).isEqualTo(64);
    }

    @Test
    void jpegWithCompressionAndWebpRefused() {
        byte[] best = Base64.getDecoder().decode(json(send(post(base, PATH,
                "{\"prompt\":\"p\",\"output_format\":\"jpeg\",\"size\":\"128x128\"}").build()).body())
                .get("data").get(0).get("b64_json").asText());
        byte[] small = Base64.getDecoder().decode(json(send(post(base, PATH,
                "{\"prompt\":\"p\",\"output_format\":\"jpeg\",\"output_compression\":5,\"size\":\"128x128\"}").build()).body())
                .get("data").get(0).get("b64_json").asText());
        assertThat(best).startsWith((byte) 0xFF, (byte) 0xD8, (byte) 0xFF);
        assertThat(small.length).isLessThan(best.length);

        HttpResponse<String> webp = send(post(base, PATH, "{\"prompt\":\"p\",\"output_format\":\"webp\"}").build());
        assertThat(webp.statusCode()).isEqualTo(400);
        assertThat(json(webp.body()).get("error").get("param").asText()).isEqualTo("output_format");
    }

    @Test
    void streamSendsPartialImagesThenTheCompletedImage() throws IOException {
        List<RestTestSupport.Sse> events;
        try (RestTestSupport.SseReader reader = new RestTestSupport.SseReader(post(base, PATH,
                "{\"prompt\":\"p\",\"size\":\"64x64\",\"stream\":true,\"partial_images\":2}").build())) {
            assertThat(reader.status()).isEqualTo(200);
            events = reader.rest();
        }
        List<String> names = new ArrayList<>();
        for (RestTestSupport.Sse e : events) {
            names.add(e.event());
            JsonNode data = e.json();
            assertThat(data.get("type").asText()).isEqualTo(e.event());
            assertThat(data.get("size").asText()).isEqualTo("64x64");
            BufferedImage image = image(data.get("b64_json").asText());
            assertThat(image.getWidth()).isEqualTo(64);
        }
        assertThat(names).containsExactly("image_generation.partial_image", "image_generation.partial_image",
                "image_generation.completed");
        assertThat(events.get(1).json().get("partial_image_index").asInt()).isEqualTo(1);
        assertThat(events.get(2).json().get("usage").get("total_tokens").asInt()).isZero();
    }

    @Test
    void officialNodeSdk() throws Exception {
        Path tools = toolsNode();
        String missing = tools == null ? "tools/node not found"
                : !Files.isDirectory(tools.resolve("node_modules/openai")) ? "tools/node/node_modules/openai absent (run tools/ci/prepare.d/30-node-openai.sh)"
                : !onPath("node") ? "node not on PATH" : null;
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but " + missing);
            }
            Assumptions.abort("OpenAI Node SDK check skipped: " + missing);
        }
        Process node = new ProcessBuilder("node", "openai-images-check.mjs", base.toString())
                .directory(tools.toFile()).redirectErrorStream(true).start();
        boolean ended = node.waitFor(180, TimeUnit.SECONDS);
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            node.destroyForcibly();
        }
        assertThat(ended).as("node finished: " + output).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        JsonNode result = json(output.substring(output.lastIndexOf("\n{") + 1).trim());
        assertThat(result.get("generate").get(0).get("magic").asText()).isEqualTo("89504e47");
        assertThat(result.get("generate").get(0).get("revised").asText()).isEqualTo("a red circle");
        List<String> types = new ArrayList<>();
        result.get("stream").forEach(e -> types.add(e.get("type").asText()));
        assertThat(types).containsExactly("image_generation.partial_image", "image_generation.partial_image",
                "image_generation.completed");
        JsonNode invalid = result.get("invalid");
        assertThat(invalid.get("status").asInt()).isEqualTo(400);
        assertThat(invalid.get("name").asText()).isEqualTo("BadRequestError");
        assertThat(invalid.get("param").asText()).isEqualTo("size");
        assertThat(invalid.get("message").asText()).contains("size must be WIDTHxHEIGHT").contains("n must be");
        // images.edit: multipart image and mask, the edited PNG at the requested size
        JsonNode edit = result.get("edit").get(0);
        assertThat(edit.get("magic").asText()).isEqualTo("89504e47");
        assertThat(edit.get("width").asInt()).isEqualTo(64);
        assertThat(edit.get("height").asInt()).isEqualTo(64);
        JsonNode editInvalid = result.get("editInvalid");
        assertThat(editInvalid.get("status").asInt()).isEqualTo(400);
        assertThat(editInvalid.get("name").asText()).isEqualTo("BadRequestError");
        assertThat(editInvalid.get("param").asText()).isEqualTo("mask");
        assertThat(editInvalid.get("message").asText()).contains("alpha channel");
    }

    private static BufferedImage image(String b64) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
        assertThat(image).isNotNull();
        return image;
    }

    private static Path toolsNode() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("tools/node/openai-images-check.mjs"))) {
                return p.resolve("tools/node");
            }
        }
        return null;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}

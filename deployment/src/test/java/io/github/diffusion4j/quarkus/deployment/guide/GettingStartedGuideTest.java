package io.github.diffusion4j.quarkus.deployment.guide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.image.Images;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resources of docs/getting-started.md, as the guide prints them (checked below), running in an application:
 * a first image, the SSE stream, a named model.
 */
class GettingStartedGuideTest {

    private static final Path SOURCES = Paths.get("src/test/java/io/github/diffusion4j/quarkus/deployment/guide");

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(ImageResource.class, Progress.class, StreamResource.class,
                    TurboResource.class))
            // the guide's dev mode uses the embedded scenes model; here the tiny test models stand in for it
            .overrideConfigKey("quarkus.diffusion4j.path", models().resolve("optimum-new").toString())
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "4")
            .overrideConfigKey("quarkus.diffusion4j.\"turbo\".path", models().resolve("sd-turbo").toString())
            .overrideConfigKey("quarkus.diffusion4j.\"turbo\".provider", "cpu");

    @TestHTTPResource("/")
    URI root;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static Path models() {
        String root = System.getProperty("diffusion4j.testModels");
        return (root != null ? Paths.get(root) : Paths.get("..", "tools", "models")).toAbsolutePath().normalize();
    }

    @Test
    void firstImage() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(root.resolve("image?prompt=a%20red%20circle&seed=7"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(Images.readParameters(response.body())).startsWith("a red circle\nSteps: 4,").contains("Seed: 7");
    }

    @Test
    void streamOfServerSentEvents() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(root.resolve("stream?prompt=a%20blue%20square"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                events.add(json.readTree(line.substring(5)));
            }
        }
        int last = events.size() - 1;
        assertThat(events.get(0).get("type").asText()).isEqualTo("started");
        assertThat(events.subList(1, last)).hasSizeGreaterThanOrEqualTo(4) // PNDM adds a warm-up step to the 4
                .allSatisfy(e -> assertThat(e.get("type").asText()).isEqualTo("step"));
        assertThat(events.get(last - 1).get("step").asInt()).isEqualTo(events.get(last - 1).get("total").asInt());
        assertThat(events.get(last).get("type").asText()).isEqualTo("completed");
        String image = events.get(last).get("image").asText();
        assertThat(image).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(image.substring("data:image/png;base64,".length()));
        assertThat(Images.readParameters(png)).contains("Seed: " + events.get(0).get("seed").asLong());
    }

    @Test
    void namedModel() throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(root.resolve("turbo?prompt=a%20cat"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        // the sd-turbo test model recommends 1 step without guidance in its model_index.json
        assertThat(Images.readParameters(response.body())).startsWith("a cat\nSteps: 1,").contains("Model: turbo");
    }

    @Test
    void theGuidePrintsTheseClassesWhole() throws IOException {
        String guide = Files.readString(Paths.get("..", "docs", "getting-started.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        List<String> shown = new ArrayList<>();
        while (block.find()) {
            String code = block.group(1);
            Matcher type = Pattern.compile("public (?:class|record) (\\w+)").matcher(code);
            if (type.find()) {
                String source = Files.readString(SOURCES.resolve(type.group(1) + ".java"));
                assertThat(withoutPackage(code)).as(type.group(1)).isEqualTo(withoutPackage(source));
                shown.add(type.group(1));
            }
        }
        assertThat(shown).contains("ImageResource", "Progress", "StreamResource", "TurboResource");
    }

    private static String withoutPackage(String code) {
        return code.replaceFirst("(?m)^package [\\w.]+;\\n", "").strip();
    }
}

package io.github.diffusion4j.quarkus.deployment.readme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension README's recipe: {@code Multi<GenerationEvent>} straight from a user's own SSE resource, serialised by
 * Quarkus' Jackson with no serializer of the application's, every event typed, the stream whole.
 */
class ReadmeEventStreamTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(EventsResource.class))
            .overrideConfigKey("quarkus.diffusion4j.path", models().resolve("optimum-new").toString())
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "3")
            .overrideConfigKey("quarkus.diffusion4j.scheduler", "euler")
            // "No serializer found" used to be logged at ERROR and cut the stream after the first event
            .setLogRecordPredicate(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
            .assertLogRecords(records -> assertThat(records).isEmpty());

    @TestHTTPResource("/")
    URI root;

    private static Path models() {
        String root = System.getProperty("diffusion4j.testModels");
        return (root != null ? Paths.get(root) : Paths.get("..", "tools", "models")).toAbsolutePath().normalize();
    }

    @Test
    void streamsEveryEventAsTypedJson() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(root.resolve("events?prompt=a%20red%20circle"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                events.add(json.readTree(line.substring(5)));
            }
        }
        assertThat(events).extracting(e -> e.get("type").asText())
                .containsExactly("started", "step", "step", "step", "completed");
        assertThat(events.subList(1, 4)).allSatisfy(step -> {
            assertThat(step.get("preview").get("image").asText()).startsWith("data:image/png;base64,");
            assertThat(step.has("latents")).isFalse();
        });
        assertThat(events.get(4).get("images").get(0).get("image").asText()).startsWith("data:image/png;base64,");
        assertThat(events.get(4).get("seed").asLong()).isEqualTo(events.get(0).get("seed").asLong());
    }

    @Test
    void theReadmePrintsThisResourceWhole() throws Exception {
        String readme = Files.readString(Paths.get("..", "extension", "README.md"));
        Matcher block = Pattern.compile("```java\\n([^`]*public class EventsResource.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find()).as("README block with EventsResource").isTrue();
        String source = Files.readString(Paths.get("src/test/java/io/github/diffusion4j/quarkus/deployment/readme",
                "EventsResource.java"));
        assertThat(block.group(1).strip()).isEqualTo(source.replaceFirst("(?m)^package [\\w.]+;\\n", "").strip());
    }
}

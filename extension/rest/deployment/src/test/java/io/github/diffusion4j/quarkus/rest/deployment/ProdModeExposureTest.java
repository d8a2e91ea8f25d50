package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusProdModeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application (prod mode): Dev UI and swagger-ui are not served, and the OpenAI-compatible endpoint,
 * built in but off by default, is switched on by a run-time property given to the jar.
 */
class ProdModeExposureTest {

    @RegisterExtension
    static final QuarkusProdModeTest app = new QuarkusProdModeTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class))
            .setApplicationName("exposure")
            .setApplicationVersion("0.1")
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .setRuntimeProperties(Map.of("quarkus.diffusion4j.rest.openai.enabled", "true", "quarkus.http.port", "0"))
            .setRun(true);

    @Test
    void devToolsAreOffAndTheOpenAiSwitchWorksAtRunTime() {
        // a random port (others may use 8081 on a shared machine), read back from the start-up log
        Matcher listening = Pattern.compile("Listening on: http://[^:]+:(\\d+)").matcher(app.getStartupConsoleOutput());
        assertThat(listening.find()).as(app.getStartupConsoleOutput()).isTrue();
        URI base = URI.create("http://localhost:" + listening.group(1) + "/");
        for (String path : new String[] {"/q/dev-ui", "/q/dev-ui/", "/q/swagger-ui", "/q/swagger-ui/"}) {
            assertThat(send(HttpRequest.newBuilder(uri(base, path)).build()).statusCode()).as(path).isEqualTo(404);
        }
        HttpResponse<String> openAi = send(post(base, "/v1/images/generations", "{\"prompt\":\"p\",\"size\":\"huge\"}").build());
        assertThat(openAi.statusCode()).isEqualTo(400);
        JsonNode error = json(openAi.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("size");
    }
}

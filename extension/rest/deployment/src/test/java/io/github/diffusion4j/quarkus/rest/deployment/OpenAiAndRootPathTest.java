package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAI-compatible endpoint switched on, and the API under a custom root path. */
class OpenAiAndRootPathTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.rest.root-path", "/api/sd/")
            .overrideConfigKey("quarkus.diffusion4j.rest.openai.enabled", "true");

    @TestHTTPResource("/")
    URI base;

    @Test
    void openAiClientsGetB64Json() {
        HttpResponse<String> response = send(post(base, "/v1/images/generations",
                "{\"prompt\":\"a fox\",\"n\":2,\"size\":\"64x64\",\"response_format\":\"b64_json\",\"model\":\"dall-e-3\","
                        + "\"quality\":\"hd\"}").build());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.get("created").asLong()).isPositive();
        assertThat(body.get("data")).hasSize(2);
        assertThat(Base64.getDecoder().decode(body.get("data").get(0).get("b64_json").asText()))
                .startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(body.get("data").get(0).get("revised_prompt").asText()).isEqualTo("a fox");
    }

    @Test
    void urlFormatIsExplained() {
        HttpResponse<String> response = send(post(base, "/v1/images/generations",
                "{\"prompt\":\"a fox\",\"response_format\":\"url\",\"size\":\"huge\",\"n\":0}").build());
        assertThat(response.statusCode()).isEqualTo(400);
        // OpenAI's error object, which OpenAI clients read: every field in the message, the first as param
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("response_format");
        assertThat(error.get("message").asText()).contains("only b64_json is supported", "size must be", "n must be");
    }

    @Test
    void apiLivesUnderTheConfiguredRoot() {
        assertThat(send(HttpRequest.newBuilder(uri(base, "/api/sd/v1/models")).build()).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/models")).build()).statusCode()).isEqualTo(404);
        HttpResponse<String> submitted = send(post(base, "/api/sd/v1/jobs", "{\"prompt\":\"x\"}").build());
        assertThat(submitted.statusCode()).isEqualTo(202);
        assertThat(submitted.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/api/sd/v1/jobs/"));
    }

    @Test
    void openApiShowsTheConfiguredRootAndTheOpenAiEndpoint() {
        JsonNode paths = json(send(HttpRequest.newBuilder(uri(base, "/q/openapi?format=json")).build()).body()).get("paths");
        assertThat(paths.has("/api/sd/v1/images")).isTrue();
        assertThat(paths.has("/api/sd/v1/jobs/{id}/events")).isTrue();
        assertThat(paths.has("/diffusion/v1/images")).isFalse();
        assertThat(paths.has("/v1/images/generations")).isTrue();
    }
}

package io.github.diffusion4j.quarkus.rest.deployment;

import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body guard over HTTP/2 (cleartext, through the h2c upgrade that Java's {@code HttpClient} makes by default):
 * Quarkus REST pauses every request it takes over, and Vert.x throws on pausing an HTTP/2 request that has ended, so
 * a guard that handed the body on at its end answered every HTTP/2 POST with a 500 "Request has already been read".
 */
class Http2Test {

    private static final int MAX_BODY = 4096;
    private static final String QUICK = "{\"prompt\":\"a red circle\",\"width\":64,\"height\":64,\"steps\":2,\"seed\":1}";

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.rest.max-body-size", Integer.toString(MAX_BODY))
            // bodies may carry two uploads on top: 1 KiB each keeps the limit near MAX_BODY
            .overrideConfigKey("quarkus.diffusion4j.rest.uploads.max-image-size", "1K");

    @TestHTTPResource("/")
    URI base;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void postsAreServedOverTheUpgradeAndOverHttp2Streams() {
        // the first request upgrades the connection (its body travels as stream 1), the next ones are HTTP/2 streams
        for (String path : new String[] {"/diffusion/v1/jobs", "/diffusion/v1/jobs", "/diffusion/v1/images"}) {
            HttpResponse<String> response = send(jsonPost(path, HttpRequest.BodyPublishers.ofString(QUICK)));
            assertThat(response.statusCode()).as(path + ": " + response.body()).isIn(200, 202);
        }
        HttpResponse<String> last = send(jsonPost("/diffusion/v1/jobs", HttpRequest.BodyPublishers.ofString(QUICK)));
        assertThat(last.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(last.statusCode()).isEqualTo(202);
    }

    @Test
    void invalidAndOversizedBodiesAreProblemsOverHttp2() {
        send(jsonPost("/diffusion/v1/jobs", HttpRequest.BodyPublishers.ofString(QUICK))); // upgrade first
        HttpResponse<String> invalid = send(jsonPost("/diffusion/v1/jobs",
                HttpRequest.BodyPublishers.ofString("{\"prompt\":\"p\",\"steps\":0}")));
        assertThat(invalid.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid.body()).get("errors").get(0).get("field").asText()).isEqualTo("steps");

        String big = "{\"prompt\":\"" + "x".repeat(4 * MAX_BODY) + "\"}";
        HttpResponse<String> tooLarge = send(jsonPost("/diffusion/v1/images", HttpRequest.BodyPublishers.ofString(big)));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge.body()).get("type").asText()).isEqualTo("urn:diffusion4j:problem:body-too-large");

        // the connection others share survives the refusal
        HttpResponse<String> after = send(jsonPost("/diffusion/v1/jobs", HttpRequest.BodyPublishers.ofString(QUICK)));
        assertThat(after.statusCode()).isEqualTo(202);
        assertThat(after.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void http2BodyWithoutLengthGets411() {
        send(jsonPost("/diffusion/v1/jobs", HttpRequest.BodyPublishers.ofString(QUICK))); // upgrade first
        byte[] bytes = QUICK.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = send(jsonPost("/diffusion/v1/jobs",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(411);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response.body()).get("detail").asText()).contains("Content-Length");
    }

    private HttpRequest jsonPost(String path, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(uri(base, path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(body).build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access-control recipe of the extension guide: Quarkus' HTTP permissions with basic auth protect every
 * Diffusion4j endpoint (native and OpenAI-compatible), and with authentication on, a job is visible only to the
 * client that submitted it.
 */
class AccessControlTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.rest.openai.enabled", "true")
            .overrideConfigKey("quarkus.http.auth.basic", "true")
            .overrideConfigKey("quarkus.security.users.embedded.enabled", "true")
            .overrideConfigKey("quarkus.security.users.embedded.plain-text", "true")
            .overrideConfigKey("quarkus.security.users.embedded.users.alice", "alice-secret")
            .overrideConfigKey("quarkus.security.users.embedded.users.bob", "bob-secret")
            .overrideConfigKey("quarkus.security.users.embedded.users.carol", "carol-secret")
            .overrideConfigKey("quarkus.security.users.embedded.roles.alice", "images")
            .overrideConfigKey("quarkus.security.users.embedded.roles.bob", "images")
            .overrideConfigKey("quarkus.http.auth.permission.images.paths", "/diffusion/*,/v1/images/*")
            .overrideConfigKey("quarkus.http.auth.permission.images.policy", "image-users")
            .overrideConfigKey("quarkus.http.auth.policy.image-users.roles-allowed", "images");

    @TestHTTPResource("/")
    URI base;

    @Test
    void anonymousClientsAreRefused() {
        assertThat(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/models")).build()).statusCode()).isEqualTo(401);
        assertThat(send(post(base, "/diffusion/v1/jobs", "{\"prompt\":\"p\"}").build()).statusCode()).isEqualTo(401);
        assertThat(send(post(base, "/v1/images/generations", "{\"prompt\":\"p\"}").build()).statusCode()).isEqualTo(401);
    }

    @Test
    void usersWithoutTheRoleAreForbidden() {
        assertThat(send(as("carol", post(base, "/diffusion/v1/jobs", "{\"prompt\":\"p\"}")).build()).statusCode()).isEqualTo(403);
    }

    @Test
    void aJobBelongsToWhoeverSubmittedIt() {
        HttpResponse<String> submitted = send(as("alice", post(base, "/diffusion/v1/jobs", "{\"prompt\":\"mine\"}")).build());
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = json(submitted.body()).get("id").asText();
        String job = "/diffusion/v1/jobs/" + id;

        assertThat(send(as("alice", HttpRequest.newBuilder(uri(base, job))).build()).statusCode()).isEqualTo(200);
        for (String path : new String[] {job, job + "/events", job + "/image"}) {
            HttpResponse<String> other = send(as("bob", HttpRequest.newBuilder(uri(base, path))).build());
            assertThat(other.statusCode()).as(path).isEqualTo(404);
            JsonNode problem = json(other.body());
            assertThat(problem.get("type").asText()).isEqualTo("urn:diffusion4j:problem:job-not-found");
        }
        assertThat(send(as("bob", HttpRequest.newBuilder(uri(base, job)).DELETE()).build()).statusCode()).isEqualTo(404);
        assertThat(send(as("alice", HttpRequest.newBuilder(uri(base, job)).DELETE()).build()).statusCode()).isEqualTo(204);
    }

    private static HttpRequest.Builder as(String user, HttpRequest.Builder request) {
        String credentials = user + ":" + user + "-secret";
        return request.header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
}

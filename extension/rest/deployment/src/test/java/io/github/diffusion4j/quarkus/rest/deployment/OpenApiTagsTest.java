package io.github.diffusion4j.quarkus.rest.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our OpenAPI tags carry the "Diffusion4j" prefix, so that an application's own "Images" (or "Jobs", "Models") tag
 * keeps its operations to itself instead of listing ours.
 */
class OpenApiTagsTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class, OwnImagesResource.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.rest.openai.enabled", "true");

    @TestHTTPResource("/")
    URI base;

    @Test
    void ourTagsArePrefixedAndTheApplicationsStayItsOwn() {
        JsonNode doc = json(send(HttpRequest.newBuilder(uri(base, "/q/openapi?format=json")).build()).body());
        List<String> tags = new ArrayList<>();
        doc.get("tags").forEach(tag -> tags.add(tag.get("name").asText()));
        assertThat(tags).contains("Diffusion4j Images", "Diffusion4j Jobs", "Diffusion4j Models", "Diffusion4j OpenAI",
                "Images").doesNotContain("Jobs", "Models", "OpenAI");
        JsonNode paths = doc.get("paths");
        assertThat(tagsOf(paths.get("/diffusion/v1/images").get("post"))).containsExactly("Diffusion4j Images");
        assertThat(tagsOf(paths.get("/diffusion/v1/jobs").get("post"))).containsExactly("Diffusion4j Jobs");
        assertThat(tagsOf(paths.get("/diffusion/v1/models").get("get"))).containsExactly("Diffusion4j Models");
        assertThat(tagsOf(paths.get("/v1/images/generations").get("post"))).containsExactly("Diffusion4j OpenAI");
        assertThat(tagsOf(paths.get("/gallery").get("get"))).containsExactly("Images");
    }

    private static List<String> tagsOf(JsonNode operation) {
        List<String> names = new ArrayList<>();
        operation.get("tags").forEach(tag -> names.add(tag.asText()));
        return names;
    }
}

package io.github.diffusion4j.quarkus.deployment.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;

import static io.github.diffusion4j.quarkus.deployment.rest.RestTestSupport.json;
import static io.github.diffusion4j.quarkus.deployment.rest.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.deployment.rest.RestTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/** Limits and refusals of issue 17 on the native API: body size and time, content type, types, ids, headers, paths. */
class HardeningTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.log.category.\"io.github.diffusion4j\".level", "DEBUG")
            .overrideConfigKey("quarkus.diffusion4j.rest.max-body-size", "4K")
            .overrideConfigKey("quarkus.diffusion4j.rest.body-timeout", "1S");

    @TestHTTPResource("/")
    URI base;

    @Test
    void stringNumbersAreTypeErrors() {
        HttpResponse<String> response = send(post(base, "/diffusion/v1/jobs", "{\"prompt\":\"p\",\"steps\":\"8\"}")
                .timeout(Duration.ofSeconds(10)).build());
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = json(response.body());
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("steps");
    }
}

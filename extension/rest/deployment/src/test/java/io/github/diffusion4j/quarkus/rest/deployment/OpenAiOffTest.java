package io.github.diffusion4j.quarkus.rest.deployment;

import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.post;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same build as {@link OpenAiCompatibilityTest} (the switch is a run-time key now) with the OpenAI endpoint off:
 * it answers 404, as a path that does not exist.
 */
class OpenAiOffTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideRuntimeConfigKey("quarkus.diffusion4j.rest.openai.enabled", "false");

    @TestHTTPResource("/")
    URI base;

    @Test
    void offMeansNotFound() {
        assertThat(send(post(base, "/v1/images/generations", "{\"prompt\":\"p\"}").build()).statusCode()).isEqualTo(404);
        assertThat(send(post(base, "/diffusion/v1/jobs", "{\"prompt\":\"p\"}").build()).statusCode()).isEqualTo(202);
    }
}

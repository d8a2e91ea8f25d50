package io.github.diffusion4j.quarkus.redis.deployment;

import io.github.diffusion4j.quarkus.redis.test.Http;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.MemoryGenerationQueue;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** With the Redis extension on the class path but {@code backend} unset, the memory queue runs and no Redis is needed. */
class MemoryBackendWithRedisExtensionTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Http.class, Http.Event.class, Http.Sse.class))
            .overrideConfigKey("quarkus.diffusion4j.path", System.getProperty("diffusion4j.testModels") + "/optimum-new")
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.redis.devservices.enabled", "false");

    @TestHTTPResource("/")
    URI base;

    @Inject
    GenerationQueue queue;

    @Test
    void theMemoryQueueServesWithoutRedis() {
        assertThat(queue).isInstanceOf(MemoryGenerationQueue.class);
        HttpResponse<String> r = Http.post(base, "/diffusion/v1/images",
                "{\"prompt\":\"x\",\"width\":64,\"height\":64,\"steps\":2}", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}

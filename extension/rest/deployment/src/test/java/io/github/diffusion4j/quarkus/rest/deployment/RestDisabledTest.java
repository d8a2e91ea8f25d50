package io.github.diffusion4j.quarkus.rest.deployment;

import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.DiffusionModels;
import io.github.diffusion4j.quarkus.runtime.GenerationStats;
import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import io.github.diffusion4j.quarkus.runtime.queue.JobState;
import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.send;
import static io.github.diffusion4j.quarkus.rest.deployment.RestTestSupport.uri;
import static org.assertj.core.api.Assertions.assertThat;

/** With rest.enabled=false there are no endpoints, but application code still has the queue. */
class RestDisabledTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.rest.enabled", "false");

    @TestHTTPResource("/")
    URI base;

    @Inject
    GenerationQueue queue;

    @Inject
    GenerationStats stats;

    @Inject
    DiffusionModels models;

    @Test
    void noEndpointsButTheQueueWorks() {
        assertThat(send(HttpRequest.newBuilder(uri(base, "/diffusion/v1/models")).build()).statusCode()).isEqualTo(404);
        String openapi = send(HttpRequest.newBuilder(uri(base, "/q/openapi?format=json")).build()).body();
        assertThat(openapi).doesNotContain("/diffusion/v1");

        Job job = queue.submit("default", GenerationRequest.builder("plain java").seed(5L).build());
        Job done = job.whenFinished().await().atMost(Duration.ofSeconds(30));
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.result().orElseThrow().seed()).isEqualTo(5L);
        // the queue is the GenerationStats bean (replacing the zero default)
        assertThat(stats.queueDepth()).isZero();
        assertThat(stats.activeJobs()).isZero();
        assertThat(queue.recent(10)).extracting(r -> r.id()).contains(job.id());
    }
}

package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.devui.DiffusionJsonRpcService;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.test.QuarkusUnitTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dev UI's playground and jobs need no REST API: without the {@code quarkus-diffusion4j-rest} extension (this
 * module's tests have only the core) they stream over JSON-RPC alone.
 */
class DevUiWithoutRestTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            // the Dev UI's JSON-RPC service is a bean in dev mode only: made one here to call it
            .addBuildChainCustomizer(chain -> chain.addBuildStep(context -> context.produce(
                            AdditionalBeanBuildItem.unremovableOf(DiffusionJsonRpcService.class)))
                    .produces(AdditionalBeanBuildItem.class).build())
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu");

    @Inject
    DiffusionJsonRpcService devUi;

    @Test
    void playgroundAndJobsWorkWithoutTheRestApi() {
        RestAssured.given().contentType("application/json").body("{\"prompt\":\"x\"}").post("/diffusion/v1/images")
                .then().statusCode(404);
        List<Map<String, Object>> events = devUi.generate(null, "a red circle", null, null, 2, null, null, null, 5L,
                null, null).collect().asList().await().atMost(Duration.ofSeconds(60));
        assertThat(events).extracting(e -> e.get("type")).containsExactly("started", "step", "step", "completed");
        assertThat(events.get(1).get("preview")).asString().startsWith("data:image/png;base64,");
        assertThat(devUi.getRecentJobs()).singleElement().satisfies(job -> {
            assertThat(job.get("id")).isEqualTo(events.get(0).get("jobId"));
            assertThat(job.get("state")).isEqualTo("completed");
        });
        assertThat(devUi.getStats()).containsEntry("queueDepth", 0).containsEntry("activeJobs", 0);
    }
}

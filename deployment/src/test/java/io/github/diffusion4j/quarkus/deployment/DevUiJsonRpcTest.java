package io.github.diffusion4j.quarkus.deployment;

import io.github.diffusion4j.quarkus.runtime.devui.DiffusionJsonRpcService;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dev UI playground's streaming JSON-RPC method: step previews as they come, every field error at once. */
class DevUiJsonRpcTest {

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
    void streamsStartStepsWithPreviewsAndTheImage() {
        List<Map<String, Object>> events = devUi.generate("default", "a red circle", null, "euler", 3, 5.0, 64, 64, 9L, 1)
                .collect().asList().await().atMost(Duration.ofSeconds(60));
        assertThat(events).extracting(e -> e.get("type")).containsExactly("started", "step", "step", "step", "completed");
        assertThat(events.get(0).get("seed")).isEqualTo(9L);
        assertThat(events.subList(1, 4)).allSatisfy(step ->
                assertThat((String) step.get("preview")).startsWith("data:image/png;base64,"));
        assertThat((String) events.get(4).get("image")).startsWith("data:image/png;base64,");
        assertThat((String) events.get(4).get("parameters")).startsWith("a red circle\n");
        // the playground's generation is listed in the jobs like any other
        assertThat(devUi.getRecentJobs()).first().satisfies(job -> {
            assertThat(job.get("seed")).isEqualTo(9L);
            assertThat(job.get("state")).isEqualTo("completed");
        });
    }

    @Test
    void everyFieldErrorAtOnce() {
        List<Map<String, Object>> events = devUi.generate("default", "a red circle", null, "nope", 100000, -1.0, 63, 64,
                null, 1).collect().asList().await().atMost(Duration.ofSeconds(10));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("type")).isEqualTo("invalid");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> violations = (List<Map<String, Object>>) events.get(0).get("violations");
        assertThat(violations).extracting(v -> v.get("field")).contains("width", "guidanceScale");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> forTheModel = (List<Map<String, Object>>) devUi.generate("default", "a red circle",
                null, "nope", 100000, null, 64, 64, null, 1).collect().asList().await().atMost(Duration.ofSeconds(10))
                .get(0).get("violations");
        assertThat(forTheModel).extracting(v -> v.get("field")).contains("scheduler", "steps");
        assertThat(devUi.generate("nope", "x", null, null, null, null, null, null, null, null)
                .collect().asList().await().atMost(Duration.ofSeconds(10)).get(0).get("type")).isEqualTo("invalid");
    }

    @Test
    void modelsCarryTheSchedulersForThePicker() {
        assertThat(devUi.getModels()).singleElement().satisfies(model -> {
            assertThat(model.get("name")).isEqualTo("default");
            assertThat(model.get("schedulers")).asList().contains("euler", "ddim");
        });
    }
}

package io.github.diffusion4j.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Events of a real generation written by a plain ObjectMapper (no modules registered), as a user's SSE resource does. */
class GenerationEventJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path model() {
        return Paths.get("..", "tools", "models", "optimum-new");
    }

    private static List<JsonNode> generate(GenerationRequest request) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(model())
                .provider(ExecutionProvider.CPU).cpuThreads(1).build()) {
            for (GenerationEvent event : pipeline.generate(request).collect().asList().await()
                    .atMost(Duration.ofSeconds(60))) {
                nodes.add(JSON.readTree(JSON.writeValueAsString(event)));
            }
        }
        return nodes;
    }

    @Test
    void everyEventHasItsTypeAndPreviewsAreDataUris() throws Exception {
        List<JsonNode> nodes = generate(GenerationRequest.builder("a red circle").size(64, 64).steps(3).seed(7L)
                .previewInterval(2).build());
        assertThat(nodes).extracting(n -> n.get("type").asText())
                .containsExactly("started", "step", "step", "step", "completed");
        JsonNode started = nodes.get(0);
        assertThat(started.get("seed").asLong()).isEqualTo(7L);
        assertThat(started.get("steps").asInt()).isEqualTo(3);
        assertThat(started.get("task").asText()).isEqualTo("txt2img");
        // preview interval 2: step 2 has one, step 1 none; steps never carry latents unless asked
        assertThat(nodes.get(1).has("preview")).isFalse();
        JsonNode preview = nodes.get(2).get("preview");
        assertThat(preview.get("image").asText()).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(preview.get("image").asText().substring("data:image/png;base64,".length()));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(preview.get("width").asInt()).isEqualTo(8);
        for (JsonNode step : nodes.subList(1, 4)) {
            assertThat(step.has("latents")).isFalse();
            assertThat(step.has("predictedOriginal")).isFalse();
            assertThat(step.get("elapsedMs").asDouble()).isPositive();
        }
        assertThat(nodes.get(3).get("progress").asDouble()).isEqualTo(1.0);
        JsonNode completed = nodes.get(4);
        assertThat(completed.get("seed").asLong()).isEqualTo(7L);
        assertThat(completed.get("images").get(0).get("image").asText()).startsWith("data:image/png;base64,");
        assertThat(completed.get("images").get(0).get("metadata").get("prompt").asText()).isEqualTo("a red circle");
        assertThat(completed.get("timings").get("totalMs").asDouble()).isPositive();
    }

    @Test
    void latentsOnlyWhenRequested() throws Exception {
        List<JsonNode> nodes = generate(GenerationRequest.builder("a red circle").size(64, 64).steps(2).seed(7L)
                .previewInterval(0).includeLatents(true).build());
        JsonNode step = nodes.get(1);
        assertThat(step.has("preview")).isFalse();
        // [1, 4, 8, 8] latents of a 64x64 image
        assertThat(step.get("latents").size()).isEqualTo(4 * 8 * 8);
    }
}

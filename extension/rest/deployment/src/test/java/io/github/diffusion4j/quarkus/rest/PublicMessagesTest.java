package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.quarkus.runtime.queue.FailedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What clients are told never names server internals: ONNX graph nodes, Jackson features, Java types. */
class PublicMessagesTest {

    @Test
    void serverFailuresKeepTheirCauseInTheLog() {
        FailedEvent failed = new FailedEvent("job-1", FailedEvent.TYPE, "Generation failed", 500,
                "ONNX Runtime failed in unet: Non-zero status code returned while running Concat node. Name:'/up_blocks.0/Concat'");
        assertThat(SseSupport.publicDetail(failed)).doesNotContain("Concat", "ONNX", "up_blocks").contains("job-1");
        assertThat(SseSupport.publicFailure(failed).status()).isEqualTo(500);
        FailedEvent clientError = new FailedEvent("job-2", FailedEvent.TYPE, "Invalid", 400, "width must be ...");
        assertThat(SseSupport.publicDetail(clientError)).isEqualTo("width must be ...");
    }

    @Test
    void jacksonMessagesLoseFeatureNamesAndTypes() {
        ObjectMapper mapper = new ObjectMapper();
        for (String body : List.of("{prompt:1}", "{\"a\":NaN}", "{\"a\":'x'}", "{\"a\":1,}", "[".repeat(1200))) {
            assertThatThrownBy(() -> mapper.readTree(body)).isInstanceOfSatisfying(JsonProcessingException.class, e -> {
                String cleaned = Problems.withoutInternals(e.getOriginalMessage());
                assertThat(cleaned).as(e.getOriginalMessage()).doesNotContain("`", "Feature", "Constraints").isNotBlank();
            });
        }
        assertThat(Problems.withoutInternals("Cannot coerce String value (\"8\") to `java.lang.Integer` value"))
                .isEqualTo("Cannot coerce String value (\"8\") to Integer value");
    }

    @Test
    void summaryNamesEachFieldOnce() {
        InvalidRequestException e = new InvalidRequestException(List.of(new FieldError("size", "width bad"),
                new FieldError("size", "height bad"), new FieldError("n", "must be between 1 and 4, got 0")));
        assertThat(e.getMessage()).isEqualTo("2 fields are invalid: size, n");
    }
}

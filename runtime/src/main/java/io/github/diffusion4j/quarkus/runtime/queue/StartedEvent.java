package io.github.diffusion4j.quarkus.runtime.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.github.diffusion4j.pipeline.GenerationEvent;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The prompt was encoded and the denoising loop starts.
 *
 * @param jobId              the job
 * @param model              model name
 * @param seed               the seed in use (drawn at random when the request had none)
 * @param steps              denoising steps
 * @param width              image width
 * @param height             image height
 * @param batch              images generated
 * @param scheduler          scheduler name
 * @param guided             whether classifier-free guidance is on
 * @param promptDroppedWords words dropped from the prompt by truncation to the text encoder's length
 */
@Schema(name = "StartedEvent", description = "SSE event `started`: the prompt was encoded; the denoising loop starts.")
public record StartedEvent(
        String jobId,
        @Schema(example = "default") String model,
        @Schema(example = "42") long seed,
        @Schema(example = "20") int steps,
        @Schema(example = "512") int width,
        @Schema(example = "512") int height,
        @Schema(example = "1") int batch,
        @Schema(example = "euler") String scheduler,
        boolean guided,
        List<String> promptDroppedWords)
        implements JobEventData {

    public static final String NAME = "started";

    /** The event of the SDK's {@code Started} for job {@code jobId} on {@code model}. */
    public static StartedEvent of(String jobId, String model, GenerationEvent.Started s) {
        return new StartedEvent(jobId, model, s.seed(), s.steps(), s.width(), s.height(), s.batchSize(), s.scheduler(),
                s.guided(), s.promptDroppedWords());
    }

    @Override
    @JsonIgnore
    public String eventName() {
        return NAME;
    }
}

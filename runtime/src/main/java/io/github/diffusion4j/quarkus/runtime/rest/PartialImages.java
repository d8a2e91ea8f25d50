package io.github.diffusion4j.quarkus.runtime.rest;

import io.github.diffusion4j.pipeline.GenerationEvent;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partial images of one streamed OpenAI request, taken from the SDK's step events as they pass (on the generation
 * thread, before the job publishes the step): each step preview is rendered only when its step is one of the chosen
 * ones ({@link OpenAiImages#partialSteps}), scaled to the image size and encoded in the requested format, and waits here
 * until the stream sends it with that step.
 */
final class PartialImages {

    /**
     * One encoded partial image.
     *
     * @param index 0-based {@code partial_image_index}
     * @param b64   the image, base64
     * @param size  {@code WIDTHxHEIGHT}
     */
    record Partial(int index, String b64, String size) {
    }

    private final OpenAiRequests.Parsed parsed;
    private final int width;
    private final int height;
    private final Map<Integer, Partial> byStep = new ConcurrentHashMap<>();

    PartialImages(OpenAiRequests.Parsed parsed, int width, int height) {
        this.parsed = parsed;
        this.width = width;
        this.height = height;
    }

    /** Called for every SDK event of the generation. */
    void capture(GenerationEvent event) {
        if (!(event instanceof GenerationEvent.Step step) || step.preview() == null) {
            return;
        }
        List<Integer> chosen = OpenAiImages.partialSteps(step.total(), parsed.partials());
        int index = chosen.indexOf(step.index());
        if (index < 0) {
            return;
        }
        var image = OpenAiImages.scaled(step.preview().image(), width, height);
        byStep.put(step.index(), new Partial(index, OpenAiImages.base64(image, parsed.format(), parsed.quality()),
                width + "x" + height));
    }

    /** The partial image of {@code step}, once; null when the step is not a chosen one. */
    Partial take(int step) {
        return byStep.remove(step);
    }
}

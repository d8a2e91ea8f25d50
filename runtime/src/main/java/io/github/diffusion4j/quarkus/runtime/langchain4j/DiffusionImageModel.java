package io.github.diffusion4j.quarkus.runtime.langchain4j;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configured model as a langchain4j {@link ImageModel}: the bean the extension registers for every model when
 * {@code dev.langchain4j:langchain4j-core} is on the class path, with the same qualifiers as the model's
 * {@link DiffusionPipeline} (none for the default model, {@code @ModelName("name")} for a named one).
 *
 * <p>Images come back as base64 PNG ({@code image/png}) with their A1111 {@code parameters} text inside; the
 * response metadata holds the model name, the seed and the timings. The model's configured defaults (steps,
 * guidance, scheduler, size) apply. Calls block until the images are done, like every langchain4j {@code ImageModel}:
 * do not call them on an event-loop thread.
 */
public final class DiffusionImageModel implements ImageModel {

    private final String name;
    private final DiffusionPipeline pipeline;

    public DiffusionImageModel(String name, DiffusionPipeline pipeline) {
        this.name = name;
        this.pipeline = pipeline;
    }

    @Override
    public Response<Image> generate(String prompt) {
        Response<List<Image>> images = generate(prompt, 1);
        return Response.from(images.content().get(0), null, null, images.metadata());
    }

    /**
     * {@code n} images of one prompt, generated as one batch (one seed; image {@code i} is position {@code i} of the
     * batch, as its PNG's {@code Batch pos} says).
     *
     * @throws IllegalArgumentException when the prompt is blank, {@code n} is below 1 or above the model's
     *                                  {@code limits.max-batch}
     */
    @Override
    public Response<List<Image>> generate(String prompt, int n) {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be blank");
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder(prompt).batchSize(n).build());
        List<Image> images = new ArrayList<>(result.images().size());
        for (GeneratedImage image : result.images()) {
            images.add(Image.builder()
                    .base64Data(Base64.getEncoder().encodeToString(image.png()))
                    .mimeType("image/png")
                    .build());
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("model", name);
        metadata.put("seed", result.seed());
        metadata.put("steps", result.images().get(0).metadata().steps());
        metadata.put("durationMillis", result.timings().total().toMillis());
        return Response.from(images, null, null, metadata);
    }

    /** Not supported yet: Diffusion4j has no image editing (inpainting) pipeline. */
    @Override
    public Response<Image> edit(Image image, String prompt) {
        throw unsupported();
    }

    /** Not supported yet: Diffusion4j has no image editing (inpainting) pipeline. */
    @Override
    public Response<Image> edit(Image image, Image mask, String prompt) {
        throw unsupported();
    }

    private UnsupportedFeatureException unsupported() {
        return new UnsupportedFeatureException("Diffusion4j model '" + name + "' cannot edit images: image editing"
                + " (inpainting) is not implemented yet; use generate(prompt) or generate(prompt, n)");
    }

    @Override
    public String toString() {
        return "DiffusionImageModel[" + name + "]";
    }
}

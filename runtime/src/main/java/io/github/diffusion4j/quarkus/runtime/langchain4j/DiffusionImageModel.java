package io.github.diffusion4j.quarkus.runtime.langchain4j;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.InitImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

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
 * response metadata holds the model name, the seed and the timings. {@code edit} is image-to-image, and inpainting
 * with a mask; the input images are read from their base64 data, never fetched from a URL. The model's configured defaults (steps,
 * guidance, scheduler, size) apply. Calls block until the images are done, like every langchain4j {@code ImageModel}:
 * do not call them on an event-loop thread.
 */
public final class DiffusionImageModel implements ImageModel {

    /** diffusers' {@code StableDiffusionImg2ImgPipeline.__call__} default {@code strength}. */
    static final double IMG2IMG_STRENGTH = 0.8;
    /** diffusers' {@code StableDiffusionInpaintPipeline.__call__} default {@code strength}. */
    static final double INPAINT_STRENGTH = 1.0;

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
        requirePrompt(prompt);
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder(prompt).batchSize(n).build());
        List<Image> images = new ArrayList<>(result.images().size());
        for (GeneratedImage image : result.images()) {
            images.add(toImage(image));
        }
        return Response.from(images, null, null, metadata(result));
    }

    private static void requirePrompt(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be blank");
        }
    }

    private static Image toImage(GeneratedImage image) {
        return Image.builder()
                .base64Data(Base64.getEncoder().encodeToString(image.png()))
                .mimeType("image/png")
                .build();
    }

    private Map<String, Object> metadata(GenerationResult result) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("model", name);
        metadata.put("seed", result.seed());
        metadata.put("steps", result.images().get(0).metadata().steps());
        metadata.put("durationMillis", result.timings().total().toMillis());
        return metadata;
    }

    /**
     * Image-to-image: {@code prompt} applied to {@code image} at strength 0.8, the default of diffusers'
     * {@code StableDiffusionImg2ImgPipeline.__call__}. The result has the image's size.
     *
     * @throws IllegalArgumentException when the image is not base64 image data (a URL other than {@code data:} is not
     *                                  fetched)
     */
    @Override
    public Response<Image> edit(Image image, String prompt) {
        return edit(prompt, InitImage.of(decode(image, "image"), IMG2IMG_STRENGTH));
    }

    /**
     * Inpainting: {@code image} repainted where {@code mask} is white (black keeps, binarised at 50 %), at strength 1,
     * the default of diffusers' {@code StableDiffusionInpaintPipeline.__call__}; the pixels outside the mask come back
     * unchanged.
     *
     * @throws IllegalArgumentException as {@link #edit(Image, String)}, naming {@code image} or {@code mask}
     */
    @Override
    public Response<Image> edit(Image image, Image mask, String prompt) {
        return edit(prompt, InitImage.inpaint(decode(image, "image"), decode(mask, "mask"), INPAINT_STRENGTH));
    }

    private Response<Image> edit(String prompt, InitImage init) {
        requirePrompt(prompt);
        GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder(prompt).initImage(init).build());
        return Response.from(toImage(result.image()), null, null, metadata(result));
    }

    /** The picture of a langchain4j image: its base64 data, or a {@code data:} URL; other URLs are not fetched. */
    static BufferedImage decode(Image image, String field) {
        if (image == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        String base64 = image.base64Data();
        if (base64 == null && image.url() != null) {
            String url = image.url().toString();
            int comma = url.indexOf(',');
            if (!url.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
                throw new IllegalArgumentException(field + ": only base64 image data is read (Image.base64Data or a"
                        + " data:...;base64, URL), nothing is fetched from " + url);
            }
            base64 = url.substring(comma + 1);
        }
        if (base64 == null) {
            throw new IllegalArgumentException(field + " has neither base64Data nor a data: URL");
        }
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(base64)));
            if (decoded == null) {
                throw new IllegalArgumentException(field + " is not an image ImageIO reads (PNG, JPEG, BMP, GIF)");
            }
            return decoded;
        } catch (IOException e) {
            throw new IllegalArgumentException(field + " cannot be decoded: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(field) ? e
                    : new IllegalArgumentException(field + " is not valid base64: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "DiffusionImageModel[" + name + "]";
    }
}

package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.quarkus.runtime.queue.StepEvent;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/**
 * The partial images of one streamed OpenAI request, taken from the job's {@link StepEvent} previews (data URIs) as
 * the stream passes them, so that it works whichever node runs the job: at each chosen step
 * ({@link OpenAiImages#partialSteps}) the preview is decoded, scaled to the image size and encoded in the requested
 * format. A chosen step whose event came without its preview (a slow reader loses previews first) is made up by the
 * next step that has one, before the last step.
 */
final class PartialImages {

    private static final String DATA_URI_PREFIX = "base64,";

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
    /** Partial images sent so far: the index of the next one. */
    private int sent;

    PartialImages(OpenAiRequests.Parsed parsed, int width, int height) {
        this.parsed = parsed;
        this.width = width;
        this.height = height;
    }

    /**
     * The partial image due at {@code step}, or null: the step is before the next chosen one, past the last partial,
     * the last step itself, or carries no preview. Called in event order by one stream.
     */
    synchronized Partial take(StepEvent step) {
        List<Integer> chosen = OpenAiImages.partialSteps(step.total(), parsed.partials());
        if (sent >= chosen.size() || step.index() < chosen.get(sent) || step.index() >= step.total()
                || step.preview() == null) {
            return null;
        }
        BufferedImage preview = decode(step.preview());
        if (preview == null) {
            return null;
        }
        BufferedImage image = OpenAiImages.scaled(preview, width, height);
        Partial partial = new Partial(sent, OpenAiImages.base64(image, parsed.format(), parsed.quality()),
                width + "x" + height);
        sent++;
        return partial;
    }

    /** The image of a {@code data:image/png;base64,...} URI; null when it is not one. */
    static BufferedImage decode(String dataUri) {
        int start = dataUri.indexOf(DATA_URI_PREFIX);
        if (!dataUri.startsWith("data:image/") || start < 0) {
            return null;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(dataUri.substring(start + DATA_URI_PREFIX.length()));
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }
}

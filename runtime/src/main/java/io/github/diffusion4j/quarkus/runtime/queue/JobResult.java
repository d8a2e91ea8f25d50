package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.ImageMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * What a completed job produced: one encoded PNG per image and nothing else (no raw pixels, no base64 copy; data URIs
 * are written from these bytes when an event or response is serialised). The PNGs were encoded once, on the
 * generation thread.
 *
 * @param images   one entry per image
 * @param seed     seed of the first image
 * @param timings  timings including the time spent in the queue
 * @param unetRuns UNet evaluations
 */
public record JobResult(List<JobImage> images, long seed, TimingsData timings, int unetRuns) {

    public JobResult {
        images = List.copyOf(images);
    }

    /** Encodes every image of an SDK result as PNG (with the A1111 {@code parameters} chunk). */
    public static JobResult of(GenerationResult generated, long queuedMillis) {
        List<JobImage> images = new ArrayList<>(generated.images().size());
        for (GeneratedImage image : generated.images()) {
            ImageMetadata m = image.metadata();
            images.add(new JobImage(image.png(), m.seed(), image.image().getWidth(), image.image().getHeight(), m));
        }
        return new JobResult(images, generated.seed(), TimingsData.of(generated.timings(), queuedMillis),
                generated.unetRuns());
    }

    /** Number of images. */
    public int size() {
        return images.size();
    }

    /** PNG bytes of image {@code index} (0-based). The array is shared: do not modify it. */
    public byte[] png(int index) {
        return images.get(index).png();
    }

    public JobImage image(int index) {
        return images.get(index);
    }

    /** Bytes this result holds (the PNGs), what the finished-jobs cap counts. */
    public long bytes() {
        long sum = 0;
        for (JobImage image : images) {
            sum += image.png().length;
        }
        return sum;
    }

    /** The {@code completed} event of this result. */
    public CompletedEvent toEvent(String jobId) {
        List<CompletedEvent.Image> list = new ArrayList<>(images.size());
        for (JobImage image : images) {
            list.add(new CompletedEvent.Image(image));
        }
        return new CompletedEvent(jobId, seed, list, timings, unetRuns);
    }

    /**
     * One image.
     *
     * @param png      PNG bytes with the {@code parameters} text chunk (shared, do not modify)
     * @param seed     its seed
     * @param width    width in pixels
     * @param height   height in pixels
     * @param metadata the parameters that made it
     */
    public record JobImage(byte[] png, long seed, int width, int height, ImageMetadata metadata) {
    }
}

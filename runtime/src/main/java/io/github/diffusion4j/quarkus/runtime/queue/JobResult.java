package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationResult;

import java.util.List;

/**
 * What a completed job produced. The PNGs were encoded once, on the generation thread, so serving them costs no
 * encoding on the event loop.
 *
 * @param result  the SDK result (images, seed, timings)
 * @param pngs    PNG bytes with the {@code parameters} chunk, one per image
 * @param timings timings including the time spent in the queue
 */
public record JobResult(GenerationResult result, List<byte[]> pngs, TimingsData timings) {

    public JobResult {
        pngs = List.copyOf(pngs);
    }

    /** Number of images. */
    public int size() {
        return pngs.size();
    }

    /** PNG bytes of image {@code index} (0-based). The array is shared: do not modify it. */
    public byte[] png(int index) {
        return pngs.get(index);
    }

    public GeneratedImage image(int index) {
        return result.images().get(index);
    }

    public long seed() {
        return result.seed();
    }
}

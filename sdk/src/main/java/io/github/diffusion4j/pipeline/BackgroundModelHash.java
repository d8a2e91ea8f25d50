package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.ModelHash;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A1111's {@code Model hash} of one loaded model, computed once on a daemon thread started with the pipeline. Hashing
 * reads the whole denoiser weights file (about 2 s per GB), so it never runs on a generation's path: an image decoded
 * before the hash is ready is written without {@code Model hash}, later ones carry it. Owned by its pipeline, which
 * {@linkplain #close() stops} it when it closes.
 */
final class BackgroundModelHash implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BackgroundModelHash.class);

    private final CompletableFuture<String> hash = new CompletableFuture<>();
    private final Thread thread;

    /** Starts hashing, or with {@code enabled} false only records that there is no hash. */
    BackgroundModelHash(String modelName, Path modelFolder, boolean enabled) {
        if (!enabled) {
            thread = null;
            hash.completeExceptionally(new IllegalStateException("The Model hash of '" + modelName
                    + "' is not computed (DiffusionPipeline.Builder.modelHash(false))"));
            return;
        }
        thread = new Thread(() -> compute(modelName, modelFolder), "diffusion4j-model-hash-" + modelName);
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private void compute(String modelName, Path modelFolder) {
        try {
            long t0 = System.nanoTime();
            String value = ModelHash.shortHash(modelFolder);
            LOG.debugf("Model hash of %s: %s (%d ms)", modelName, value, (System.nanoTime() - t0) / 1_000_000);
            hash.complete(value);
        } catch (RuntimeException e) {
            if (!Thread.currentThread().isInterrupted()) {
                // a folder without hashable weights still generates; its PNGs just carry no Model hash
                LOG.infof("Model %s: no Model hash for its PNG metadata (%s)", modelName, e.getMessage());
            }
            hash.completeExceptionally(e);
        }
    }

    /** The hash when it is computed, else null (still hashing, or the weights could not be hashed). */
    String ifReady() {
        return hash.isDone() && !hash.isCompletedExceptionally() ? hash.join() : null;
    }

    /** Completes with the hash, or exceptionally when the weights cannot be hashed or the pipeline closed first. */
    CompletableFuture<String> future() {
        return hash.copy();
    }

    /** Stops hashing if it still runs (the file is read in chunks, each checks for the interrupt). */
    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}

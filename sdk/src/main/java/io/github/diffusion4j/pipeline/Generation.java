package io.github.diffusion4j.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.diffusion4j.model.DiffusionException;
import io.github.diffusion4j.model.OrtRunException;
import io.github.diffusion4j.model.RunContext;
import io.github.diffusion4j.model.RunStats;
import io.smallrye.mutiny.subscription.MultiEmitter;
import org.jboss.logging.Logger;

/**
 * One generation's lifecycle on the pipeline's executor: registration with the pipeline (so close() waits for it),
 * run options that cancellation terminates, and exactly one termination of the Mutiny stream. The stages themselves
 * are {@link DenoisingLoop}'s.
 */
final class Generation implements Runnable {

    private static final Logger LOG = Logger.getLogger(Generation.class);

    private final DiffusionPipeline pipeline;
    private final ResolvedRequest params;
    private final MultiEmitter<? super GenerationEvent> emitter;
    private final Object lock = new Object();
    private volatile boolean cancelled;
    private OrtSession.RunOptions runOptions;
    private boolean finished;
    private volatile String abortReason;
    /** Set once this generation has completed or failed its stream (only the generation thread terminates it). */
    private boolean terminated;

    Generation(DiffusionPipeline pipeline, ResolvedRequest params, MultiEmitter<? super GenerationEvent> emitter) {
        this.pipeline = pipeline;
        this.params = params;
        this.emitter = emitter;
    }

    /** The pipeline is closing: stop like {@link #cancel()}, but fail the stream so that nobody waits forever. */
    void abort(String reason) {
        abortReason = reason;
        cancel();
    }

    /** Called on cancellation (and on any termination): stops the loop and terminates an in-flight run. */
    void cancel() {
        synchronized (lock) {
            if (finished) {
                return;
            }
            cancelled = true;
            if (runOptions != null) {
                try {
                    runOptions.setTerminate(true);
                } catch (OrtException e) {
                    LOG.debugf("Could not terminate the in-flight run: %s", e.getMessage());
                }
            }
        }
    }

    @Override
    public void run() {
        try {
            pipeline.enter(this);
        } catch (DiffusionException e) {
            emitter.fail(e);
            return;
        }
        try {
            runRegistered();
        } finally {
            pipeline.exit(this);
            if (abortReason != null) {
                fail(new GenerationException(abortReason, null));
            }
        }
    }

    private void fail(Throwable failure) {
        if (!terminated) {
            terminated = true;
            emitter.fail(failure);
        }
    }

    private void complete() {
        if (!terminated) {
            terminated = true;
            emitter.complete();
        }
    }

    private void runRegistered() {
        long start = System.nanoTime();
        OrtSession.RunOptions options;
        try {
            options = pipeline.model().sessions().newRunOptions(
                    (long) params.width() * params.height() * params.request().batchSize());
        } catch (OrtException e) {
            fail(new GenerationException("Cannot create ONNX Runtime run options: " + e.getMessage(), e));
            return;
        }
        synchronized (lock) {
            runOptions = options;
            if (cancelled) {
                finished = true;
                options.close();
                return;
            }
        }
        try {
            GenerationResult result = new DenoisingLoop(pipeline, params, new RunContext(options, new RunStats()),
                    () -> cancelled, emitter::emit, start).run();
            if (result != null && !cancelled) {
                emitter.emit(new GenerationEvent.Completed(result));
                complete();
            }
        } catch (OrtRunException e) {
            if (!cancelled) {
                fail(new GenerationException(e.getMessage(), e.getCause()));
            }
        } catch (IllegalArgumentException e) {
            fail(e);
        } catch (RuntimeException | Error e) {
            if (!cancelled) {
                fail(new GenerationException("Generation failed: " + e, e));
            }
        } finally {
            synchronized (lock) {
                finished = true;
                runOptions = null;
                options.close();
            }
        }
    }
}

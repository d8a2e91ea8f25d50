package io.github.diffusion4j.pipeline;

import java.time.Duration;

/**
 * Observes every generation of a pipeline, whoever subscribed to it (a REST queue, a user's own bean, a test): what
 * metrics, tracing and the Dev UI hang off. Called on the generation's thread ({@link #onSubscribe} on the subscriber's);
 * must be quick and must not throw (a listener that throws is logged and ignored).
 */
public interface GenerationListener {

    /** How a generation ended. */
    enum Outcome {
        COMPLETED, FAILED, CANCELLED
    }

    /**
     * One generation, as the listener sees it.
     *
     * @param model    the model name
     * @param family   the family id
     * @param task     {@code txt2img}, {@code img2img} or {@code inpaint}
     * @param request  the request as given
     */
    record Generation(String model, String family, String task, GenerationRequest request) {
    }

    /**
     * The generation was subscribed to, on the subscribing thread, before it is handed to the pipeline's executor:
     * where the caller's context (e.g. the trace of the request that asked for the image) can be read.
     */
    default void onSubscribe(Generation generation) {
    }

    /** Every event of the generation, in order ({@link GenerationEvent.Started} first). */
    default void onEvent(Generation generation, GenerationEvent event) {
    }

    /**
     * The end of the generation, exactly once.
     *
     * @param outcome  completed, failed or cancelled
     * @param duration from subscription to the end
     * @param steps    the steps done
     * @param failure  the failure, or {@code null}
     */
    default void onEnd(Generation generation, Outcome outcome, Duration duration, int steps, Throwable failure) {
    }
}

package io.github.diffusion4j.internal;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Waiting for the background tasks of a model load (a session, ONNX Runtime's start-up, a tokenizer): to their end
 * even when the waiting thread is interrupted — what they create must not be left without an owner, and they are
 * short — with the interrupt flag restored afterwards. Not part of the SDK's API.
 */
public final class Futures {

    private Futures() {
    }

    /** The task's result, waiting to its end even when interrupted; its failure as an {@link ExecutionException}. */
    public static <T> T awaitUninterruptibly(Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@link #awaitUninterruptibly}, with the task's failure rethrown as it was thrown when it is unchecked, and a
     * checked one wrapped by {@code wrapChecked}.
     */
    public static <T> T join(Future<T> future, Function<Throwable, RuntimeException> wrapChecked) {
        try {
            return awaitUninterruptibly(future);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw wrapChecked.apply(cause);
        }
    }
}

package io.github.diffusion4j.model;

import io.github.diffusion4j.internal.Futures;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Opens one component on its own thread while the caller opens others: ONNX Runtime builds sessions of one
 * environment concurrently, and a session's graph optimisation is single-threaded, so two sessions opened side by side
 * take about as long as the longer one on a machine with a core to spare.
 *
 * <p>The component has one owner at every moment: this task until {@link #join()} hands it over, and
 * {@link #discard(Throwable)} waits for the task to end and closes what it opened, so a failure elsewhere never
 * leaves a session behind.
 */
final class BackgroundOpen<T extends AutoCloseable> {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final FutureTask<T> task;

    private BackgroundOpen(FutureTask<T> task) {
        this.task = task;
    }

    /** Starts {@code open} on a new daemon thread named after {@code what}. */
    static <T extends AutoCloseable> BackgroundOpen<T> start(String what, Supplier<T> open) {
        FutureTask<T> task = new FutureTask<>(open::get);
        Thread thread = new Thread(task, "diffusion4j-load-" + what + "-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        return new BackgroundOpen<>(task);
    }

    /**
     * Waits for the component and takes ownership of it; its failure is rethrown as it was thrown.
     */
    T join() {
        return Futures.join(task, cause -> new ModelLoadException("Loading failed: " + cause, cause));
    }

    /**
     * Waits for the task and closes what it opened, because {@code primary} ends the load. A failure of the task
     * itself is attached to {@code primary} as suppressed: the first error in load order stays the one reported.
     */
    void discard(Throwable primary) {
        try {
            Component.closeQuietly(Futures.awaitUninterruptibly(task), primary);
        } catch (ExecutionException e) {
            primary.addSuppressed(e.getCause());
        }
    }
}

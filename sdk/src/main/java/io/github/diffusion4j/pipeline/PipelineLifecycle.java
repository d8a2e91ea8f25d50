package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.DiffusionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runs of one pipeline that are inside its sessions, so that closing never frees a session under a run in flight
 * (that would crash the JVM in native code). When close cannot wait for them (it is called from inside a run, e.g. a
 * subscriber's completion callback, or they outlast the wait), the last run to leave closes the model.
 */
final class PipelineLifecycle {

    /** What {@link #beginClose} found: the generations to abort, and whether the closing thread is inside a run. */
    record Closing(List<Generation> live, boolean calledFromARun) {
    }

    private final String name;
    private final Runnable closeModel;
    /** Guards every field below. */
    private final Object lock = new Object();
    private boolean closed;
    private final Set<Generation> live = new HashSet<>();
    /** Threads inside a run, with how many runs each (a subscriber callback may encode an image inside a generation). */
    private final Map<Thread, Integer> runningThreads = new HashMap<>();
    private int running;
    private boolean closePending;

    PipelineLifecycle(String name, Runnable closeModel) {
        this.name = name;
        this.closeModel = closeModel;
    }

    /**
     * Registers a run that uses the sessions ({@code generation} is aborted by a close; {@code null} for a short
     * synchronous call such as {@link DiffusionPipeline#encodeImage}).
     *
     * @throws DiffusionException when the pipeline is closed
     */
    void enter(Generation generation) {
        synchronized (lock) {
            if (closed) {
                throw new DiffusionException("Pipeline '" + name + "' is closed");
            }
            running++;
            runningThreads.merge(Thread.currentThread(), 1, Integer::sum);
            if (generation != null) {
                live.add(generation);
            }
        }
    }

    /** Ends a run; the last one out closes the model when a close could not wait for it. */
    void exit(Generation generation) {
        boolean closeNow;
        synchronized (lock) {
            running--;
            runningThreads.computeIfPresent(Thread.currentThread(), (t, n) -> n == 1 ? null : n - 1);
            if (generation != null) {
                live.remove(generation);
            }
            closeNow = running == 0 && closePending;
            if (closeNow) {
                closePending = false;
            }
            lock.notifyAll();
        }
        if (closeNow) {
            closeModel.run();
        }
    }

    /** Marks the pipeline closed (no run enters from now on); {@code null} when it already was. */
    Closing beginClose() {
        synchronized (lock) {
            if (closed) {
                return null;
            }
            closed = true;
            return new Closing(new ArrayList<>(live), runningThreads.containsKey(Thread.currentThread()));
        }
    }

    /**
     * Waits up to {@code wait} for the runs to leave (not at all when called from a run, which would wait for itself).
     *
     * @return true when none is left (the caller closes the model now), false when the last run out will
     */
    boolean awaitIdle(boolean calledFromARun, Duration wait) {
        boolean interrupted = false;
        boolean idle;
        synchronized (lock) {
            long deadline = System.nanoTime() + wait.toNanos();
            long left;
            while (!calledFromARun && running > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: returning now would leave the sessions to nobody
                }
            }
            idle = running == 0;
            closePending = !idle;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return idle;
    }
}

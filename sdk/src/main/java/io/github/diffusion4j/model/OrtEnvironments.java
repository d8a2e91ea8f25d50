package io.github.diffusion4j.model;

import ai.onnxruntime.OrtEnvironment;

import java.util.concurrent.atomic.AtomicReference;

/**
 * ONNX Runtime's process-wide environment, created on a thread of its own with a large stack.
 *
 * <p>Why: ONNX Runtime 1.29's environment start-up (its telemetry set-up inside {@code OrtEnvironment.createHandle})
 * needs more native stack than a default 1 MiB Java thread offers on some launches; it then dies with SIGSEGV and no
 * Java error (seen here with {@code java -cp … DiffusionCli benchmark}: exit 139 three times in three, 0 with
 * {@code -Xss2m} or {@code ORT_DISABLE_TELEMETRY=1}). Creating it once on a 16 MiB thread makes the caller's stack
 * size irrelevant; later calls return the same singleton environment.
 */
public final class OrtEnvironments {

    private static final long START_STACK_BYTES = 16L << 20;
    private static volatile OrtEnvironment environment;
    /** The start-up thread, once one has been started; guarded by the class lock. */
    private static Thread starter;
    private static final AtomicReference<OrtEnvironment> CREATED = new AtomicReference<>();
    private static final AtomicReference<Throwable> FAILURE = new AtomicReference<>();

    private OrtEnvironments() {
    }

    /**
     * Begins creating the environment without waiting for it: a model load calls this first, so the ~0.4 s of native
     * library extraction and start-up overlap the reading of the model folder. A no-op once started.
     */
    public static void startInBackground() {
        if (environment == null) {
            starterThread();
        }
    }

    /** The environment, created on first use (on a 16 MiB-stack thread). */
    public static OrtEnvironment shared() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        Thread thread = starterThread();
        joinUninterruptibly(thread);
        synchronized (OrtEnvironments.class) {
            if (environment == null) {
                environment = created();
            }
            return environment;
        }
    }

    private static synchronized Thread starterThread() {
        if (starter == null) {
            starter = new Thread(null, () -> {
                try {
                    CREATED.set(OrtEnvironment.getEnvironment());
                } catch (Throwable t) {
                    FAILURE.set(t);
                }
            }, "diffusion4j-ort-start", START_STACK_BYTES);
            starter.setDaemon(true);
            starter.start();
        }
        return starter;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the environment is process-wide: finish creating it, then restore the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the start-up thread made of it: the environment, or its failure rethrown (every caller sees the same). */
    private static OrtEnvironment created() {
        Throwable t = FAILURE.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new ModelLoadException("ONNX Runtime's environment could not start: " + t.getMessage(), t);
        }
        return CREATED.get();
    }
}

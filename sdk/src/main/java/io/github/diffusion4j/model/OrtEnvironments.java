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

    private OrtEnvironments() {
    }

    /** The environment, created on first use (on a 16 MiB-stack thread). */
    public static OrtEnvironment shared() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (OrtEnvironments.class) {
            if (environment == null) {
                environment = createOnLargeStack();
            }
            return environment;
        }
    }

    private static OrtEnvironment createOnLargeStack() {
        AtomicReference<OrtEnvironment> created = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = new Thread(null, () -> {
            try {
                created.set(OrtEnvironment.getEnvironment());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "diffusion4j-ort-start", START_STACK_BYTES);
        starter.setDaemon(true);
        starter.start();
        boolean interrupted = false;
        while (true) {
            try {
                starter.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the environment is process-wide: finish creating it, then restore the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new ModelLoadException("ONNX Runtime's environment could not start: " + t.getMessage(), t);
        }
        return created.get();
    }
}

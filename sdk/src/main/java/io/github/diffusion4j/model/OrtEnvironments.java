package io.github.diffusion4j.model;

import ai.onnxruntime.OrtEnvironment;
import io.github.diffusion4j.internal.Futures;

import java.util.concurrent.FutureTask;

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
    /** The start-up in progress or done, once one has been started; guarded by the class lock. */
    private static FutureTask<OrtEnvironment> start;

    private OrtEnvironments() {
    }

    /**
     * Begins creating the environment without waiting for it: a model load calls this first, so the ~0.4 s of native
     * library extraction and start-up overlap the reading of the model folder. A no-op once started.
     */
    public static void startInBackground() {
        if (environment == null) {
            startTask();
        }
    }

    /** The environment, created on first use (on a 16 MiB-stack thread). */
    public static OrtEnvironment shared() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        FutureTask<OrtEnvironment> task = startTask();
        env = awaitUninterruptibly(task);
        environment = env;
        return env;
    }

    private static synchronized FutureTask<OrtEnvironment> startTask() {
        if (start == null) {
            FutureTask<OrtEnvironment> task = new FutureTask<>(OrtEnvironment::getEnvironment);
            Thread starter = new Thread(null, task, "diffusion4j-ort-start", START_STACK_BYTES);
            starter.setDaemon(true);
            starter.start();
            start = task;
        }
        return start;
    }

    /**
     * The start-up's environment, or its failure rethrown to every caller that waited on it; a failed start-up is
     * forgotten, so a later call tries again, as before the start could run in the background.
     */
    private static OrtEnvironment awaitUninterruptibly(FutureTask<OrtEnvironment> task) {
        try {
            return Futures.join(task, cause -> new ModelLoadException(
                    "ONNX Runtime's environment could not start: " + cause.getMessage(), cause));
        } catch (RuntimeException | Error e) {
            synchronized (OrtEnvironments.class) {
                if (start == task) {
                    start = null;
                }
            }
            throw e;
        }
    }
}

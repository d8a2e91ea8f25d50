package io.github.diffusion4j.model;

import io.github.diffusion4j.json.Json;
import io.github.diffusion4j.scheduler.Schedulers;

/**
 * Class loading a model load needs later, done on a daemon thread beside it (overlapped with starting ONNX Runtime):
 * Jackson's tree classes (a component's {@code config.json}) and the scheduler registry, whose static initialiser
 * bootstraps a method reference per scheduler. This class stays small on purpose: the load thread only starts the
 * thread, and the classes are touched inside the lambda, so neither is loaded, verified or initialised on the load
 * thread (calling a static method of {@code Json} there had cost ~80 ms of the load: verifying it loads Jackson).
 */
final class LoadWarmUp {

    private LoadWarmUp() {
    }

    static void start() {
        Thread thread = new Thread(() -> {
            Json.preloadTreeClasses();
            Schedulers.names();
        }, "diffusion4j-load-warmup");
        thread.setDaemon(true);
        thread.start();
    }
}

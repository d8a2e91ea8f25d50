package io.github.diffusion4j.quarkus.runtime.rest;

import io.quarkus.runtime.annotations.Recorder;

/** Hands build-time REST settings to the runtime. */
@Recorder
public class RestRecorder {

    /** Where the API lives, so that routing errors under it become problem documents (see {@link RoutingProblems}). */
    public void paths(String apiPath) {
        RoutingProblems.configure(apiPath);
    }
}

package io.github.diffusion4j.model;

import ai.onnxruntime.OrtSession;

/**
 * What every ONNX Runtime call of one generation shares: the run options (terminated on cancel, so a cancelled
 * generation stops inside the call it is in) and the counters of time spent in ONNX Runtime.
 */
public record RunContext(OrtSession.RunOptions options, RunStats stats) {
}

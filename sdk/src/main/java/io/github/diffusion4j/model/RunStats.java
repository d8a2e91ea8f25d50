package io.github.diffusion4j.model;

/** Counters of one generation: time inside ONNX Runtime {@code run} and number of UNet evaluations. Not thread-safe. */
public final class RunStats {

    private long ortNanos;
    private int unetRuns;
    private long unetRows;

    void addRun(long nanos) {
        ortNanos += nanos;
    }

    void addUnetRun(int rows) {
        unetRuns++;
        unetRows += rows;
    }

    /** Batch rows over all UNet runs. */
    public long unetRows() {
        return unetRows;
    }

    /** Sum of the wall time of the raw {@code OrtSession.run} calls. */
    public long ortNanos() {
        return ortNanos;
    }

    /** Number of UNet {@code run} calls. */
    public int unetRuns() {
        return unetRuns;
    }
}

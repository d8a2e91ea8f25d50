package io.github.diffusion4j.model;

import ai.onnxruntime.OrtException;

/** An ONNX Runtime {@code run} failed (or was terminated); wraps the checked {@link OrtException}. */
public final class OrtRunException extends RuntimeException {

    private final transient OrtException ortException;

    public OrtRunException(String component, OrtException cause) {
        super(component + " run failed: " + cause.getMessage(), cause);
        this.ortException = cause;
    }

    public OrtException ortException() {
        return ortException;
    }
}

package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.DiffusionException;

/** A generation failed while running (ONNX Runtime error, bad model output). */
public class GenerationException extends DiffusionException {

    public GenerationException(String message, Throwable cause) {
        super(message, cause);
    }
}

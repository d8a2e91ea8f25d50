package io.github.diffusion4j.model;

/** Base of the SDK's typed failures. */
public class DiffusionException extends RuntimeException {

    public DiffusionException(String message) {
        super(message);
    }

    public DiffusionException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.github.diffusion4j.model;

/** A model folder is missing, incomplete or does not match the expected contract; the message names the file or input. */
public class ModelLoadException extends DiffusionException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}

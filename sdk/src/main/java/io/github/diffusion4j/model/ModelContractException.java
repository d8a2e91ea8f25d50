package io.github.diffusion4j.model;

import io.github.diffusion4j.model.ModelLoadException;

/** A model graph's inputs or outputs do not match what the pipeline can drive; the message names the file and input. */
public class ModelContractException extends ModelLoadException {

    public ModelContractException(String message) {
        super(message);
    }
}

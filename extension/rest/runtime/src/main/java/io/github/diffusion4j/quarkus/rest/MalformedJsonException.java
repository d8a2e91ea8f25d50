package io.github.diffusion4j.quarkus.rest;

import com.fasterxml.jackson.core.JsonProcessingException;

/** The request body is not valid JSON for its type; mapped to a 400 problem naming the field and expected type. */
public class MalformedJsonException extends RuntimeException {

    public MalformedJsonException(JsonProcessingException cause) {
        super(cause.getOriginalMessage(), cause);
    }

    JsonProcessingException jackson() {
        return (JsonProcessingException) getCause();
    }
}

package io.github.diffusion4j.quarkus.runtime.rest;

import java.util.List;

/** A request failed validation: each invalid field with the allowed range. Mapped to a 400 problem. */
public class InvalidRequestException extends RuntimeException {

    private final List<FieldError> errors;

    public InvalidRequestException(List<FieldError> errors) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
    }

    public InvalidRequestException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String summary(List<FieldError> errors) {
        if (errors.size() == 1) {
            FieldError e = errors.get(0);
            return e.field() + " " + e.message();
        }
        StringBuilder sb = new StringBuilder().append(errors.size()).append(" fields are invalid: ");
        for (int i = 0; i < errors.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(errors.get(i).field());
        }
        return sb.toString();
    }
}

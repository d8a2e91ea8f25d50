package io.github.diffusion4j.quarkus.rest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

    /** "width must be ..." for one error; "2 fields are invalid: size, n" (each field once) for several. */
    private static String summary(List<FieldError> errors) {
        if (errors.size() == 1) {
            FieldError e = errors.get(0);
            return e.field() + " " + e.message();
        }
        Set<String> fields = new LinkedHashSet<>();
        for (FieldError e : errors) {
            fields.add(e.field());
        }
        if (fields.size() == 1) {
            return fields.iterator().next() + " is invalid: " + errors.size() + " problems";
        }
        return fields.size() + " fields are invalid: " + String.join(", ", fields);
    }
}

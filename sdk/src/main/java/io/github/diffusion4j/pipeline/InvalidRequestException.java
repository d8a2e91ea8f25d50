package io.github.diffusion4j.pipeline;

import java.util.List;

/**
 * A request that cannot run on a model, with every violation found (not just the first). It is an
 * {@link IllegalArgumentException}: plain callers catch that; REST layers render {@link #violations()} one by one.
 */
public final class InvalidRequestException extends IllegalArgumentException {

    private final transient List<Violation> violations;

    public InvalidRequestException(List<Violation> violations) {
        super(message(violations));
        this.violations = List.copyOf(violations);
    }

    /** The violations, in field order. */
    public List<Violation> violations() {
        return violations;
    }

    private static String message(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an InvalidRequestException needs at least one violation");
        }
        if (violations.size() == 1) {
            return violations.get(0).message();
        }
        StringBuilder sb = new StringBuilder(violations.size() + " fields are invalid: ");
        for (int i = 0; i < violations.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(violations.get(i).message());
        }
        return sb.toString();
    }
}

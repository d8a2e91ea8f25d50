package io.github.diffusion4j.quarkus.rest;

/** A problem with a fixed status: unknown job (404), job not finished (409), body too large (413). */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;

    public ApiException(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public static ApiException jobNotFound(String id) {
        return new ApiException(404, Problems.TYPE_JOB_NOT_FOUND, "Job not found",
                "No job with id '" + Problems.shorten(id) + "' (unknown, or expired after it finished)");
    }

    public static ApiException bodyTooLarge(long size, long max) {
        return new ApiException(413, Problems.TYPE_BODY_TOO_LARGE, "Request body too large",
                "The request body has " + (size >= 0 ? size + " bytes" : "more bytes than allowed")
                        + "; at most " + max + " bytes are accepted (quarkus.diffusion4j.rest.max-body-size, plus two "
                        + "images of quarkus.diffusion4j.rest.uploads.max-image-size where the endpoint takes images)");
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }
}

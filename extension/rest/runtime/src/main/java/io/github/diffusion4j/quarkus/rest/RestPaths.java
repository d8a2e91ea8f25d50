package io.github.diffusion4j.quarkus.rest;

/**
 * Paths of the REST API. The resources are compiled with the default root {@value #DEFAULT_ROOT}; the deployment
 * processor rewrites their {@code @Path} (and the OpenAPI document) when {@code quarkus.diffusion4j.rest.root-path}
 * says otherwise.
 */
public final class RestPaths {

    /** Default of {@code quarkus.diffusion4j.rest.root-path}. */
    public static final String DEFAULT_ROOT = "/diffusion";
    /** Version segment under the root. */
    public static final String VERSION = "/v1";
    /** The {@code @Path} of the resources ({@link ImagesResource}, {@link JobsResource}, {@link ModelsResource}) as compiled. */
    public static final String DEFAULT_API = DEFAULT_ROOT + VERSION;

    private RestPaths() {
    }

    /** {@code root + /v1}, normalised: one leading slash, no trailing slash, {@code /} alone gives {@code /v1}. */
    public static String api(String root) {
        return normaliseRoot(root) + VERSION;
    }

    /** One leading slash, no trailing slash; blank or {@code /} gives the empty string. */
    public static String normaliseRoot(String root) {
        String r = root == null ? "" : root.trim();
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        if (r.isEmpty()) {
            return "";
        }
        return r.startsWith("/") ? r : "/" + r;
    }

    /** An origin for absolute URLs ({@code https://host:port}) without trailing slashes. */
    public static String normaliseOrigin(String origin) {
        String o = origin.trim();
        while (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        return o;
    }
}

package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.quarkus.runtime.queue.QueueFullException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Wrong method (405), unacceptable {@code Accept} (406) and unsupported {@code Content-Type} (415) are decided while
 * routing, before a resource class is chosen, so the resources' own mappers never see them. These global mappers turn
 * them into problem documents for the Diffusion4j paths only, and give every other path of the application its usual
 * response. Their priority is below the default so that an application's own mapper wins.
 * <p>
 * The Diffusion4j exceptions are mapped here too (globally, as nothing else throws them): a resource generated for a
 * custom root path does not inherit its parent's class-level mappers.
 */
public class RoutingProblems {

    private static volatile String apiPath = RestPaths.DEFAULT_API;
    private static volatile boolean openAi;

    static void configure(String api) {
        apiPath = api;
    }

    /** Set at start-up from the run-time switch {@code quarkus.diffusion4j.rest.openai.enabled}. */
    static void openAi(boolean enabled) {
        openAi = enabled;
    }

    static String apiPath() {
        return apiPath;
    }

    static boolean openAiEnabled() {
        return openAi;
    }

    /** Only the Diffusion4j endpoints throw these: mapping them globally changes nothing for other endpoints. */
    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e, UriInfo uri) {
        return Problems.toResponse(e, uri.getRequestUri().getRawPath());
    }

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        return Problems.toResponse(e, uri.getRequestUri().getRawPath());
    }

    @ServerExceptionMapper
    public Response malformed(MalformedJsonException e, UriInfo uri) {
        return Problems.toResponse(e, uri.getRequestUri().getRawPath());
    }

    @ServerExceptionMapper
    public Response queueFull(QueueFullException e, UriInfo uri) {
        return Problems.toResponse(e, uri.getRequestUri().getRawPath());
    }

    @ServerExceptionMapper(priority = Priorities.USER + 1000)
    public Response notAllowed(NotAllowedException e, UriInfo uri) {
        return map(e, uri);
    }

    @ServerExceptionMapper(priority = Priorities.USER + 1000)
    public Response notAcceptable(NotAcceptableException e, UriInfo uri) {
        return map(e, uri);
    }

    @ServerExceptionMapper(priority = Priorities.USER + 1000)
    public Response notSupported(NotSupportedException e, UriInfo uri) {
        return map(e, uri);
    }

    private static Response map(WebApplicationException e, UriInfo uri) {
        String path = uri.getRequestUri().getRawPath();
        if (ours(path)) {
            return Problems.toResponse(e, path);
        }
        return e.getResponse();
    }

    static boolean ours(String path) {
        if (path == null) {
            return false;
        }
        String api = apiPath;
        return path.equals(api) || path.startsWith(api + "/") || (openAi && OpenAiErrors.applies(path));
    }
}

package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.quarkus.runtime.queue.ModelCatalog;
import io.github.diffusion4j.quarkus.runtime.queue.ModelDescriptor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configured models (with their defaults and limits) and the schedulers they take. */
@Path(RestPaths.DEFAULT_API)
@Singleton
public class ModelsResource {

    private Submissions submissions;

    /**
     * Public initializer injection: a subclass generated for a custom root path lives in another class loader, where
     * package-private fields of this class are out of reach.
     */
    @Inject
    public void init(Submissions submissions) {
        this.submissions = submissions;
    }

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = ApiTags.MODELS, description = "Configured models and schedulers")
    @Operation(summary = "List models", description = "The configured models with their layout, provider, defaults and limits.")
    @APIResponse(responseCode = "200", description = "The models, the default first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = ModelDescription.class)))
    public List<ModelDescription> models() {
        ModelCatalog models = submissions.queue().models();
        List<ModelDescription> list = new ArrayList<>();
        for (String name : models.names()) {
            models.get(name).ifPresent(m -> list.add(ModelDescription.of(name.equals(models.defaultName()), m)));
        }
        return list;
    }

    @GET
    @Path("/schedulers")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = ApiTags.MODELS)
    @Operation(summary = "List schedulers", description = "Names accepted as `scheduler`, and each model's default.")
    @APIResponse(responseCode = "200", description = "The schedulers",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SchedulersResponse.class)))
    public SchedulersResponse schedulers() {
        Map<String, String> defaults = new LinkedHashMap<>();
        List<String> names = List.of();
        ModelCatalog models = submissions.queue().models();
        for (String name : models.names()) {
            ModelDescriptor m = models.get(name).orElse(null);
            if (m != null) {
                defaults.put(name, m.defaultScheduler());
                names = m.schedulers();
            }
        }
        return new SchedulersResponse(names, defaults);
    }

    /** Every failure of this resource, including body reading and routing, as an RFC 9457 problem. */
    @ServerExceptionMapper
    public Response problem(Throwable failure, UriInfo uri) {
        return Problems.toResponse(failure, uri.getRequestUri().getRawPath());
    }
}

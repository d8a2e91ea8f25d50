package io.github.diffusion4j.quarkus.deployment.guide;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

@Path("/stream")
public class StreamResource {

    @Inject
    DiffusionPipeline pipeline;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Progress> stream(@QueryParam("prompt") String prompt) {
        // lazy: the generation starts when the client connects, and a client that goes away cancels it
        return pipeline.generate(GenerationRequest.builder(prompt).build()).map(Progress::of);
    }
}

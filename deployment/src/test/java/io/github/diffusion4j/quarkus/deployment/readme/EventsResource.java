package io.github.diffusion4j.quarkus.deployment.readme;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

@Path("/events")
public class EventsResource {

    @Inject
    DiffusionPipeline pipeline;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<GenerationEvent> events(@QueryParam("prompt") String prompt) {
        // one JSON object per event: {"type":"started",...}, {"type":"step","preview":{"image":"data:..."}}, ...
        return pipeline.generate(GenerationRequest.builder(prompt).previewInterval(1).build());
    }
}

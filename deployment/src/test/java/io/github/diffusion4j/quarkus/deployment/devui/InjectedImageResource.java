package io.github.diffusion4j.quarkus.deployment.devui;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

/** An application's own use of the injected pipeline, which the Dev UI's jobs page must list as well. */
@Path("/injected")
public class InjectedImageResource {

    @Inject
    DiffusionPipeline pipeline;

    @GET
    @Produces("image/png")
    public byte[] image(@QueryParam("prompt") String prompt, @QueryParam("seed") long seed) {
        return pipeline.generateBlocking(GenerationRequest.builder(prompt).steps(4).seed(seed).build()).image().png();
    }
}

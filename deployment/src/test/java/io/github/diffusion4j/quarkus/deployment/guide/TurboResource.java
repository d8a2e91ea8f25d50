package io.github.diffusion4j.quarkus.deployment.guide;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

@Path("/turbo")
public class TurboResource {

    @Inject
    @ModelName("turbo")
    DiffusionPipeline turbo;

    @GET
    @Produces("image/png")
    public Uni<byte[]> image(@QueryParam("prompt") String prompt) {
        // steps and guidance come from quarkus.diffusion4j."turbo".* (or what the model folder recommends)
        return turbo.generateImage(GenerationRequest.builder(prompt).build()).map(GeneratedImage::png);
    }
}

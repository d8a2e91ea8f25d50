package io.github.diffusion4j.quarkus.deployment.guide;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GeneratedImage;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

@Path("/image")
public class ImageResource {

    @Inject
    DiffusionPipeline pipeline;

    @GET
    @Produces("image/png")
    public Uni<byte[]> image(@QueryParam("prompt") String prompt, @QueryParam("seed") Long seed) {
        GenerationRequest request = GenerationRequest.builder(prompt).seed(seed).build();
        return pipeline.generateImage(request).map(GeneratedImage::png);
    }
}

package io.github.diffusion4j.quarkus.rest.deployment;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** An application's own endpoint under its own "Images" tag, which ours must not merge into. */
@Path("/gallery")
public class OwnImagesResource {

    @GET
    @Tag(name = "Images", description = "The application's gallery")
    public String list() {
        return "[]";
    }
}

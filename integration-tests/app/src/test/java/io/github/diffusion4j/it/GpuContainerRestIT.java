package io.github.diffusion4j.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;
import java.util.Optional;

/**
 * The same scenarios in a container with every GPU of the host (a Docker device request with capabilities
 * {@code [[gpu]]}) and {@code quarkus.diffusion4j.provider=cuda}. Skipped, with the reason, where the host lacks a
 * GPU, the NVIDIA container runtime or a CUDA base image; see integration-tests/README.md for the command.
 */
class GpuContainerRestIT extends RestScenarios {

    private static AppContainer app;

    @BeforeAll
    static void startContainer() {
        Optional<String> missing = GpuRequirement.missing();
        // printed as well: a class aborted in @BeforeAll shows as "Tests run: 0" in the failsafe summary, without why
        missing.ifPresent(why -> AppContainer.log("GPU container variant skipped: %s", why));
        Assumptions.assumeTrue(missing.isEmpty(), () -> "GPU container variant skipped: " + missing.orElseThrow());
        app = AppContainer.start(true);
    }

    @AfterAll
    static void stopContainer() {
        if (app != null) {
            app.stop();
        }
    }

    @Override
    protected URI baseUri() {
        return app.baseUri();
    }

    @Override
    protected String expectedProvider() {
        return "cuda";
    }
}

package io.github.diffusion4j.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.net.URI;

/**
 * The scenarios against the packaged application in a container built locally {@code FROM scratch} (or from
 * {@code -Dit.base-image}), CPU provider. Fails, never skips, where Docker is expected (see {@link DockerRequirement}).
 */
class ContainerRestIT extends RestScenarios {

    private static AppContainer app;

    @BeforeAll
    static void startContainer() {
        DockerRequirement.check();
        app = AppContainer.start(false);
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
}

package io.github.diffusion4j.it;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

/** The scenarios against the application started inside the test JVM. */
@QuarkusTest
class InProcessRestTest extends RestScenarios {

    @TestHTTPResource("/")
    URL root;

    @Override
    protected URI baseUri() {
        try {
            return root.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

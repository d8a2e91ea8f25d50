package io.github.diffusion4j.it;

import io.github.diffusion4j.quarkus.redis.test.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

/**
 * The REST + SSE scenarios once more, on the Redis queue backend: a real redis-server on a free port
 * ({@link RedisServerResource}) and {@code quarkus.diffusion4j.queue.backend=redis}. Not a subclass of
 * {@link InProcessRestTest}: test classes are beans, and a subclass would make that one's injection ambiguous.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisServerResource.class, restrictToAnnotatedClass = true)
class RedisRestTest extends RestScenarios {

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

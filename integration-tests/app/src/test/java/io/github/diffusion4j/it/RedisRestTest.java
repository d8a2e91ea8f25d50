package io.github.diffusion4j.it;

import io.github.diffusion4j.quarkus.redis.test.RedisServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The REST + SSE scenarios once more, on the Redis queue backend: a real redis-server on a free port
 * ({@link RedisServerResource}) and {@code quarkus.diffusion4j.queue.backend=redis}.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisServerResource.class, restrictToAnnotatedClass = true)
class RedisRestTest extends InProcessRestTest {
}

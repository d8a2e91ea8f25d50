package io.github.diffusion4j.quarkus.redis.test;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource: a real redis-server on a free port for the test application, which it points at it with
 * {@code quarkus.redis.hosts} and selects the Redis queue backend.
 */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    private RedisServer server;

    @Override
    public Map<String, String> start() {
        server = RedisServer.start();
        return Map.of("quarkus.redis.hosts", server.url(),
                "quarkus.diffusion4j.queue.backend", "redis",
                "quarkus.redis.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}

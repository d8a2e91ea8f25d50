package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.quarkus.runtime.queue.QueueFullException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import java.time.Duration;

/** Sends commands and Lua scripts to Redis, blocking (worker threads) or not (event loop). */
final class RedisCommands {

    private final Redis redis;
    private final Duration timeout;

    RedisCommands(Redis redis, Duration timeout) {
        this.redis = redis;
        this.timeout = timeout;
    }

    Uni<Response> send(Request request) {
        return redis.send(request);
    }

    /**
     * Sends and waits. A Redis that does not answer becomes a {@link QueueUnavailableException} (HTTP 503): the queue
     * is unusable, the request was fine.
     */
    Response call(Request request) {
        try {
            return redis.send(request).await().atMost(timeout);
        } catch (RuntimeException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** An EVAL of {@code script} with no declared keys (every key carries the prefix's hash tag) and {@code args}. */
    static Request eval(String script, Object... args) {
        Request r = Request.cmd(Command.EVAL).arg(script).arg(0);
        for (Object a : args) {
            if (a instanceof byte[] bytes) {
                r.arg(bytes);
            } else if (a instanceof Number n) {
                r.arg(n.longValue());
            } else {
                r.arg(String.valueOf(a));
            }
        }
        return r;
    }

    static Request cmd(Command command, Object... args) {
        Request r = Request.cmd(command);
        for (Object a : args) {
            if (a instanceof Number n) {
                r.arg(n.longValue());
            } else {
                r.arg(String.valueOf(a));
            }
        }
        return r;
    }

    Uni<RedisConnection> connect() {
        return redis.connect();
    }

    /** Redis did not answer: HTTP 503 with a retry hint, like a full queue. */
    static final class QueueUnavailableException extends QueueFullException {
        QueueUnavailableException(Throwable cause) {
            super(0, Duration.ofSeconds(5));
            initCause(cause);
        }

        @Override
        public String getMessage() {
            return "The job queue (Redis) is unavailable: " + (getCause() != null ? getCause().getMessage() : "no answer")
                    + "; retry in about 5 s";
        }
    }
}

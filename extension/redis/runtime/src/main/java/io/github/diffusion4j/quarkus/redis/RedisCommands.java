package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.quarkus.runtime.queue.QueueFullException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sends commands and Lua scripts to Redis, blocking (worker threads) or not (event loop). */
final class RedisCommands {

    private static final Map<String, String> SHAS = new ConcurrentHashMap<>();

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

    /**
     * Runs a Lua script and waits: {@code EVALSHA} of its SHA-1 (the script text crosses the network once), and
     * {@code EVAL} when Redis does not know it yet (first use, or after a restart or {@code SCRIPT FLUSH}).
     */
    Response script(String script, Object... args) {
        try {
            return sendScript(script, args).await().atMost(timeout);
        } catch (RuntimeException e) {
            throw new QueueUnavailableException(e);
        }
    }

    /** {@link #script} without waiting. */
    Uni<Response> sendScript(String script, Object... args) {
        String sha = SHAS.computeIfAbsent(script, RedisCommands::sha1);
        return redis.send(withArgs(Request.cmd(Command.EVALSHA).arg(sha).arg(0), args))
                .onFailure(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.send(eval(script, args)));
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JVM", e);
        }
    }

    /** An EVAL of {@code script} with no declared keys (every key carries the prefix's hash tag) and {@code args}. */
    static Request eval(String script, Object... args) {
        return withArgs(Request.cmd(Command.EVAL).arg(script).arg(0), args);
    }

    private static Request withArgs(Request r, Object... args) {
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

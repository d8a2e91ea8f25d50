package io.github.diffusion4j.quarkus.runtime.queue;

import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig;
import io.github.diffusion4j.quarkus.runtime.config.DiffusionRuntimeConfig.ClientKeySource;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Tells the client of the current HTTP request apart, for the per-client cap and round-robin between clients:
 * {@code principal:NAME} for an authenticated user, else {@code key:HASH} for an API-key header (a SHA-256 prefix,
 * so keys never reach logs or Redis), else {@code address:IP}; the order is
 * {@code quarkus.diffusion4j.queue.client.identity}. Outside a request (application code) the client is
 * {@link #LOCAL}.
 */
@Singleton
public class ClientKeys {

    /** The client of jobs submitted outside an HTTP request. */
    public static final String LOCAL = "local";

    private final List<ClientKeySource> sources;
    private final String apiKeyHeader;
    private final CurrentVertxRequest current;

    @Inject
    public ClientKeys(DiffusionRuntimeConfig config, CurrentVertxRequest current) {
        this(config.queue().client().identity(), config.queue().client().apiKeyHeader(), current);
    }

    ClientKeys(List<ClientKeySource> sources, String apiKeyHeader, CurrentVertxRequest current) {
        this.sources = List.copyOf(sources);
        this.apiKeyHeader = apiKeyHeader;
        this.current = current;
    }

    /** The key of the current request's client, or {@link #LOCAL} outside a request. */
    public String current() {
        ManagedContext requestContext = Arc.container() != null ? Arc.container().requestContext() : null;
        if (current == null || requestContext == null || !requestContext.isActive()) {
            return LOCAL;
        }
        RoutingContext rc = current.getCurrent();
        return rc == null ? LOCAL : of(rc);
    }

    /** The key of the client of {@code rc}. */
    public String of(RoutingContext rc) {
        for (ClientKeySource source : sources) {
            String key = switch (source) {
                case PRINCIPAL -> principal(rc);
                case API_KEY -> apiKey(rc.request().getHeader(apiKeyHeader));
                case ADDRESS -> address(rc.request().remoteAddress());
            };
            if (key != null) {
                return key;
            }
        }
        return LOCAL;
    }

    private static String principal(RoutingContext rc) {
        if (rc.user() instanceof QuarkusHttpUser user) {
            SecurityIdentity identity = user.getSecurityIdentity();
            if (identity != null && !identity.isAnonymous() && identity.getPrincipal() != null) {
                return "principal:" + identity.getPrincipal().getName();
            }
        }
        return null;
    }

    static String apiKey(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(header.trim().getBytes(StandardCharsets.UTF_8));
            return "key:" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static String address(SocketAddress remote) {
        if (remote == null) {
            return null;
        }
        String host = remote.hostAddress() != null ? remote.hostAddress() : remote.host();
        return host == null ? null : "address:" + host;
    }
}

package io.github.diffusion4j.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The component sessions of one model and the session factories of the providers its components asked for besides
 * the model's. Owned by the model's {@link SessionFactory}: the extra factories close with it, the sessions with
 * their components.
 */
final class ComponentSessions {

    private final SessionFactory root;
    private final Map<String, ComponentOptions> options;
    private final int cudaDeviceId;
    private final int cpuThreads;
    private final Map<ExecutionProvider, SessionFactory> byProvider = new EnumMap<>(ExecutionProvider.class);
    private final Map<String, ComponentSession> sessions = new LinkedHashMap<>();

    ComponentSessions(SessionFactory root, Map<String, ComponentOptions> options, int cudaDeviceId, int cpuThreads) {
        ComponentOptions.checkNames(options);
        this.root = root;
        this.options = Map.copyOf(options);
        this.cudaDeviceId = cudaDeviceId;
        this.cpuThreads = cpuThreads;
    }

    /** Opens {@code component}'s graph on its provider and registers it (the caller owns the session). */
    ComponentSession open(String component, Path file) {
        ComponentOptions o = options.getOrDefault(component, ComponentOptions.DEFAULT);
        ComponentSession session = ComponentSession.open(component, file, factoryFor(component, o.provider()),
                o.unloadAfterUse());
        synchronized (sessions) {
            sessions.put(component, session);
        }
        return session;
    }

    private SessionFactory factoryFor(String component, ExecutionProvider provider) {
        if (provider == null || provider == root.providerInUse()) {
            return root;
        }
        synchronized (byProvider) {
            SessionFactory f = byProvider.get(provider);
            if (f == null) {
                try {
                    f = SessionFactory.create(provider, cudaDeviceId, cpuThreads);
                } catch (ModelLoadException e) {
                    throw new ModelLoadException("components." + component + ".provider=" + provider.id() + ": "
                            + e.getMessage(), e);
                }
                byProvider.put(provider, f);
            }
            return f;
        }
    }

    /** The component names options were given for (checked against the folder at load). */
    Collection<String> configured() {
        return options.keySet();
    }

    ComponentSession get(String component) {
        synchronized (sessions) {
            return sessions.get(component);
        }
    }

    List<ComponentSession> all() {
        synchronized (sessions) {
            return List.copyOf(sessions.values());
        }
    }

    /** Acquires the registered sessions among {@code components}; a failure releases those already acquired. */
    List<ComponentSession> acquire(Collection<String> components) {
        List<ComponentSession> acquired = new ArrayList<>();
        try {
            for (String name : components) {
                ComponentSession s = get(name);
                if (s != null) {
                    s.acquire();
                    acquired.add(s);
                }
            }
            return acquired;
        } catch (RuntimeException e) {
            acquired.forEach(ComponentSession::release);
            throw e;
        }
    }

    /** Closes the extra providers' factories. */
    void close(Throwable primary) {
        synchronized (byProvider) {
            for (SessionFactory f : byProvider.values()) {
                Component.closeQuietly(f, primary);
            }
            byProvider.clear();
        }
    }
}

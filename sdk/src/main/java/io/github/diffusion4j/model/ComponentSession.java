package io.github.diffusion4j.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The ONNX Runtime session of one component, the only owner of it. Opened at load (the component's contract is read
 * from the graph); with {@link ComponentOptions#unloadAfterUse()} it is closed once the load is done and reopened for
 * each stage that uses it: {@link #acquire()} before the stage, {@link #release()} after it, on every path. Leases
 * count, so that concurrent generations share an open session and the last one out closes it.
 */
public final class ComponentSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ComponentSession.class);

    private final String component;
    private final Path file;
    private final SessionFactory factory;
    private final boolean unloadAfterUse;
    private OrtSession session;
    private int leases;
    private int opens;
    private int closes;
    private Duration firstLoad;
    private Duration lastLoad;
    private boolean closed;

    private ComponentSession(String component, Path file, SessionFactory factory, boolean unloadAfterUse) {
        this.component = component;
        this.file = file;
        this.factory = factory;
        this.unloadAfterUse = unloadAfterUse;
    }

    /** Opens {@code file} now with {@code factory}'s provider. */
    static ComponentSession open(String component, Path file, SessionFactory factory, boolean unloadAfterUse) {
        ComponentSession s = new ComponentSession(component, file, factory, unloadAfterUse);
        s.get();
        return s;
    }

    /** The open session, opened first if it was released (a use outside a stage keeps it until the next release). */
    public synchronized OrtSession get() {
        if (closed) {
            throw new IllegalStateException(component + "/model.onnx is closed");
        }
        if (session == null) {
            long t0 = System.nanoTime();
            session = factory.open(file);
            lastLoad = Duration.ofNanos(System.nanoTime() - t0);
            if (firstLoad == null) {
                firstLoad = lastLoad;
            }
            opens++;
            LOG.debugf("%s opened on %s in %d ms", component, factory.providerDescription(), lastLoad.toMillis());
        }
        return session;
    }

    /** Opens the session (if released) for a stage; pair with {@link #release()}. */
    synchronized void acquire() {
        get();
        leases++;
    }

    /** Ends a stage's lease; the last lease out closes the session of an unload-after-use component. */
    synchronized void release() {
        leases = Math.max(0, leases - 1);
        releaseIfIdle();
    }

    /** Closes the session of an unload-after-use component that no stage holds. */
    synchronized void releaseIfIdle() {
        if (unloadAfterUse && leases == 0 && session != null) {
            closeSession();
        }
    }

    private void closeSession() {
        try {
            session.close();
        } catch (Exception e) {
            LOG.warnf("Failed to close %s: %s", file, e.getMessage());
        } finally {
            session = null;
            closes++;
        }
    }

    public String component() {
        return component;
    }

    /** {@code cpu} or {@code cuda:N}: where this component runs. */
    public String provider() {
        return factory.providerDescription();
    }

    public boolean unloadAfterUse() {
        return unloadAfterUse;
    }

    /** Time the first open took (at load). */
    public synchronized Duration loadTime() {
        return firstLoad;
    }

    /** Time the latest open took. */
    public synchronized Duration lastLoadTime() {
        return lastLoad;
    }

    /** How many times the session was opened. */
    public synchronized int opens() {
        return opens;
    }

    /** How many times the session was closed. */
    public synchronized int closes() {
        return closes;
    }

    /** Whether the session is open now. */
    public synchronized boolean isOpen() {
        return session != null;
    }

    @Override
    public synchronized void close() throws OrtException {
        closed = true;
        OrtSession open = session;
        if (open != null) {
            session = null;
            closes++;
            open.close();
        }
    }
}

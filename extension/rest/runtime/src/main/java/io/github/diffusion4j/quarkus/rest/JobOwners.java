package io.github.diffusion4j.quarkus.rest;

import io.github.diffusion4j.quarkus.runtime.queue.GenerationQueue;
import io.github.diffusion4j.quarkus.runtime.queue.Job;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;
import java.util.HashMap;
import java.util.Map;

/**
 * Who submitted each job, when the application authenticates its clients: such a job can then be read, streamed,
 * fetched and cancelled only by the same principal; anyone else gets the 404 of an unknown job (not 403, which
 * would confirm that the id exists). Jobs of anonymous clients stay open to whoever knows their id, as without
 * authentication.
 * <p>
 * Keyed by job id, not by the {@link Job} object: a distributed queue backend answers {@link GenerationQueue#find}
 * with a fresh snapshot each time. Entries of jobs the queue has forgotten are dropped whenever the map has doubled
 * since the last sweep, so it stays proportional to the jobs the queue keeps. The owners are those of jobs submitted
 * through this node.
 */
final class JobOwners {

    private static final int FIRST_SWEEP = 64;

    private final Map<String, String> owners = new HashMap<>();
    private int sweepAt = FIRST_SWEEP;

    synchronized void record(Job job, SecurityContext security, GenerationQueue queue) {
        String name = name(security);
        if (name == null) {
            return;
        }
        owners.put(job.id(), name);
        if (owners.size() >= sweepAt) {
            owners.keySet().removeIf(id -> queue.find(id).isEmpty());
            sweepAt = Math.max(FIRST_SWEEP, owners.size() * 2);
        }
    }

    /** Whether the caller may see {@code job}. */
    synchronized boolean allowed(Job job, SecurityContext security) {
        String owner = owners.get(job.id());
        return owner == null || owner.equals(name(security));
    }

    private static String name(SecurityContext security) {
        Principal p = security != null ? security.getUserPrincipal() : null;
        return p != null && p.getName() != null && !p.getName().isEmpty() ? p.getName() : null;
    }
}

package io.github.diffusion4j.quarkus.runtime.rest;

import io.github.diffusion4j.quarkus.runtime.queue.Job;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Who submitted each job, when the application authenticates its clients: such a job can then be read, streamed,
 * fetched and cancelled only by the same principal; anyone else gets the 404 of an unknown job (not 403, which
 * would confirm that the id exists). Jobs of anonymous clients stay open to whoever knows their id, as without
 * authentication. Keyed weakly by the job, so an entry goes when the queue forgets the job.
 */
final class JobOwners {

    private final Map<Job, String> owners = Collections.synchronizedMap(new WeakHashMap<>());

    void record(Job job, SecurityContext security) {
        String name = name(security);
        if (name != null) {
            owners.put(job, name);
        }
    }

    /** Whether the caller may see {@code job}. */
    boolean allowed(Job job, SecurityContext security) {
        String owner = owners.get(job);
        return owner == null || owner.equals(name(security));
    }

    private static String name(SecurityContext security) {
        Principal p = security != null ? security.getUserPrincipal() : null;
        return p != null && p.getName() != null && !p.getName().isEmpty() ? p.getName() : null;
    }
}

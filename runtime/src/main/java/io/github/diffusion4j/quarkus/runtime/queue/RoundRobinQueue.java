package io.github.diffusion4j.quarkus.runtime.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waiting jobs ordered round-robin between clients: FIFO within a client, and the client served least recently goes
 * first (one never served, first of all). A client that submits 10 jobs then another that submits 1 get served A, B,
 * A, A, ... instead of ten A first. When a client has nothing left in the queue its turn is forgotten
 * ({@link #forget}). Not thread-safe: the owning queue guards it.
 *
 * @param <T> the job type
 */
final class RoundRobinQueue<T> {

    /** Per-client FIFOs, in order of arrival of the client. */
    private final LinkedHashMap<String, ArrayDeque<T>> perClient = new LinkedHashMap<>();
    /** When each client with jobs in the system was last served (a counter); absent = never. */
    private final Map<String, Long> lastServed = new HashMap<>();
    private long serves;
    private int size;

    void add(String client, T item) {
        perClient.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(item);
        size++;
    }

    boolean remove(String client, T item) {
        ArrayDeque<T> q = perClient.get(client);
        if (q == null || !q.remove(item)) {
            return false;
        }
        size--;
        if (q.isEmpty()) {
            perClient.remove(client);
        }
        return true;
    }

    /** Marks {@code client} as just served: it moves to the end of the rotation. */
    void served(String client) {
        lastServed.put(client, ++serves);
    }

    /** The client has no job queued or running any more: its next job counts as a newcomer's. */
    void forget(String client) {
        lastServed.remove(client);
    }

    int size() {
        return size;
    }

    /** Every waiting item in serving order: the first of each client in rotation order, then the second, ... */
    List<T> order() {
        List<T> out = new ArrayList<>(size);
        List<Map.Entry<String, ArrayDeque<T>>> rotation = new ArrayList<>(perClient.entrySet());
        // stable: clients served equally long ago keep their order of arrival
        rotation.sort(Comparator.comparingLong(e -> lastServed.getOrDefault(e.getKey(), -1L)));
        List<Iterator<T>> cursors = new ArrayList<>(rotation.size());
        for (Map.Entry<String, ArrayDeque<T>> e : rotation) {
            cursors.add(e.getValue().iterator());
        }
        boolean any = true;
        while (any) {
            any = false;
            for (Iterator<T> it : cursors) {
                if (it.hasNext()) {
                    out.add(it.next());
                    any = true;
                }
            }
        }
        return out;
    }
}

package io.github.diffusion4j.quarkus.runtime.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waiting jobs ordered round-robin between clients: FIFO within a client, and the client served least recently goes
 * first. A client that submits 10 jobs then another that submits 1 get served A, B, A, A, ... instead of ten A first.
 * Not thread-safe: the owning queue guards it.
 *
 * @param <T> the job type
 */
final class RoundRobinQueue<T> {

    /** Per-client FIFOs; iteration order is the rotation (least recently served first). */
    private final LinkedHashMap<String, ArrayDeque<T>> perClient = new LinkedHashMap<>();
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
        ArrayDeque<T> q = perClient.remove(client);
        if (q != null && !q.isEmpty()) {
            perClient.put(client, q);
        }
    }

    int size() {
        return size;
    }

    /** Every waiting item in serving order: the first of each client in rotation order, then the second, ... */
    List<T> order() {
        List<T> out = new ArrayList<>(size);
        List<Iterator<T>> cursors = new ArrayList<>(perClient.size());
        for (Map.Entry<String, ArrayDeque<T>> e : perClient.entrySet()) {
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

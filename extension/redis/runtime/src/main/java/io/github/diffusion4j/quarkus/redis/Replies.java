package io.github.diffusion4j.quarkus.redis;

import io.vertx.mutiny.redis.client.Response;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Reads Redis replies whichever protocol (RESP2 flat arrays, RESP3 maps) the connection negotiated. */
final class Replies {

    private Replies() {
    }

    /** A hash reply as a map of strings; empty for a missing key. */
    static Map<String, String> map(Response r) {
        Map<String, String> out = new HashMap<>();
        if (r == null || r.size() == 0) {
            return out;
        }
        Set<String> keys;
        try {
            keys = r.getKeys();
        } catch (RuntimeException notAMap) {
            keys = Set.of();
        }
        if (!keys.isEmpty()) {
            for (String k : keys) {
                Response v = r.get(k);
                out.put(k, v == null ? null : v.toString());
            }
            return out;
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            Response v = r.get(i + 1);
            out.put(r.get(i).toString(), v == null ? null : v.toString());
        }
        return out;
    }

    /** Field {@code name} of a hash reply as bytes (binary-safe), or {@code null}. */
    static byte[] bytes(Response r, String name) {
        if (r == null || r.size() == 0) {
            return null;
        }
        try {
            Response v = r.get(name);
            if (v != null) {
                return v.toBytes();
            }
        } catch (RuntimeException notAMap) {
            // RESP2 flat array: look the field up below
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            if (name.equals(r.get(i).toString())) {
                return r.get(i + 1).toBytes();
            }
        }
        return null;
    }

    /** The number after the dash of a stream id {@code 0-N}. */
    static long sequence(String streamId) {
        return Long.parseLong(streamId.substring(streamId.indexOf('-') + 1));
    }
}

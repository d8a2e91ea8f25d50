package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A diffusers {@code scheduler_config.json}, kept as its raw keys. As with diffusers' {@code from_config}, every
 * scheduler reads the keys it knows with its own defaults and ignores the rest, so any scheduler can be built from
 * any model's config. Values of the wrong type fail loudly, naming the key.
 */
public final class SchedulerConfig {

    private final Map<String, Object> values;

    private SchedulerConfig(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** No keys: every scheduler uses its diffusers defaults. */
    public static SchedulerConfig empty() {
        return new SchedulerConfig(Map.of());
    }

    /** A config from raw keys (as in the JSON file). */
    public static SchedulerConfig of(Map<String, ?> values) {
        return new SchedulerConfig(new LinkedHashMap<>(values));
    }

    /** Reads a {@code scheduler_config.json} (values typed as Jackson's untyped binding types them). */
    public static SchedulerConfig fromJson(Path file) {
        try {
            return new SchedulerConfig(Json.parseObject(file));
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException("Cannot read scheduler config " + e.getMessage(),
                    new IOException(e.getMessage(), e));
        }
    }

    /** Parses a JSON object string. */
    @SuppressWarnings("unchecked")
    public static SchedulerConfig fromJson(String json) {
        Object value;
        try {
            value = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid scheduler config JSON: " + e.getMessage(), e);
        }
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("Invalid scheduler config JSON: expected an object");
        }
        return new SchedulerConfig((Map<String, Object>) value);
    }

    /** A copy with {@code key} set to {@code value} ({@code null} removes it). */
    public SchedulerConfig with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new SchedulerConfig(copy);
    }

    /** The raw keys. */
    public Map<String, Object> values() {
        return values;
    }

    public boolean has(String key) {
        return values.get(key) != null;
    }

    /** diffusers' {@code _class_name}, e.g. {@code PNDMScheduler}, or {@code null}. */
    public String className() {
        Object v = values.get("_class_name");
        return v == null ? null : v.toString();
    }

    public int getInt(String key, int defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw invalid(key, v, "an integer");
    }

    public double getDouble(String key, double defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw invalid(key, v, "a number");
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw invalid(key, v, "true or false");
    }

    public String getString(String key, String defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof String s) {
            return s;
        }
        throw invalid(key, v, "a string");
    }

    /**
     * A string restricted to {@code allowed} values (case-sensitive, as in diffusers).
     *
     * @throws IllegalArgumentException naming the key and the allowed values
     */
    public String getEnum(String key, String defaultValue, List<String> allowed) {
        String v = getString(key, defaultValue);
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(
                    "Scheduler config '" + key + "' must be one of " + allowed + ", got '" + v + "'");
        }
        return v;
    }

    /** A list of numbers (e.g. {@code trained_betas}), or {@code null} when absent. */
    public double[] getDoubleArray(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> list) {
            double[] out = new double[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw invalid(key, v, "a list of numbers");
                }
                out[i] = n.doubleValue();
            }
            return out;
        }
        if (v instanceof double[] d) {
            return d.clone();
        }
        throw invalid(key, v, "a list of numbers");
    }

    private static IllegalArgumentException invalid(String key, Object v, String expected) {
        return new IllegalArgumentException(String.format(Locale.ROOT,
                "Scheduler config '%s' must be %s, got %s", key, expected, v));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SchedulerConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "SchedulerConfig" + values;
    }
}

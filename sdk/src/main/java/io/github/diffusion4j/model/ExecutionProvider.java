package io.github.diffusion4j.model;

import java.util.Locale;

/** Which ONNX Runtime execution provider runs the model. */
public enum ExecutionProvider {
    /**
     * CUDA when its libraries load, otherwise CPU: one INFO line when there is no NVIDIA driver, a warning naming what
     * failed when the driver is there but CUDA does not load.
     */
    AUTO,
    /** CUDA on the configured device; failing to load it is an error. */
    CUDA,
    /** The CPU provider with the configured number of intra-op threads. */
    CPU;

    /** Parses {@code auto}, {@code cuda} or {@code cpu}, case-insensitively. */
    public static ExecutionProvider fromName(String name) {
        if (name != null) {
            for (ExecutionProvider p : values()) {
                if (p.name().equalsIgnoreCase(name.trim())) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("provider must be one of [auto, cuda, cpu], got '" + name + "'");
    }

    /** Lower-case name as used in configuration. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}

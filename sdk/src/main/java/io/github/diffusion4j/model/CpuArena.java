package io.github.diffusion4j.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.Arrays;
import java.util.Locale;

/**
 * How ONNX Runtime's CPU memory arena behaves, chosen with {@code -Ddiffusion4j.ort.cpuArena}. The arena keeps every
 * chunk it ever allocated for reuse: after one 768×768 request a server's resident memory stayed at several GB. The
 * ONNX Runtime Java API has no arena configuration ({@code OrtArenaCfg}, {@code kSameAsRequested}), so the choices
 * are the ones it does expose. Measured (README, "Benchmark"): {@link #SHRINK} brings RSS back to within 5 % after a
 * 768×768 request (the arena keeps +845 %) at the same speed, but over 60 same-size generations RSS drifts up 8–24 %
 * (the freed chunks fragment the C heap) where {@link #ON} stays flat; so {@link #ON} stays the default and
 * {@link #SHRINK} is for servers that see occasional large requests.
 */
public enum CpuArena {
    /** Arena on, and free chunks returned at the end of each run ({@code memory.enable_memory_arena_shrinkage}). */
    SHRINK,
    /** ONNX Runtime's default, and ours: arena on, memory kept for reuse. */
    ON,
    /** No arena: every tensor is malloc'ed and freed, so large buffers go straight back to the system. */
    OFF;

    /** The value of {@value SessionFactory#CPU_ARENA_PROPERTY}, default {@link #ON}. */
    static CpuArena fromProperty() {
        String value = System.getProperty(SessionFactory.CPU_ARENA_PROPERTY);
        if (value == null || value.isBlank()) {
            return ON;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SessionFactory.CPU_ARENA_PROPERTY + " must be one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ", got '" + value + "'", e);
        }
    }

    void configure(OrtSession.SessionOptions options) throws OrtException {
        if (this == OFF) {
            options.setCPUArenaAllocator(false);
        }
    }

    void configure(OrtSession.RunOptions options) throws OrtException {
        if (this == SHRINK) {
            options.addRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        }
    }
}

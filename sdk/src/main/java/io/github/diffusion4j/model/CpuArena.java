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
 * 768×768 request (the arena keeps +840 %) at the same speed, but over 60 same-size generations RSS drifts up 8–24 %
 * (the freed chunks fragment the C heap) where {@link #ON} stays flat. The default, {@link #AUTO}, shrinks only after
 * the runs of a generation above 512×512 pixels: +5–7 % after 768×768 requests, and requests up to 512×512 run
 * exactly as with {@link #ON}.
 */
public enum CpuArena {
    /**
     * Arena on; the free chunks are returned at the end of the runs of a generation above
     * {@value #SHRINK_ABOVE_PROPERTY} pixels (width × height × images, default 512 × 512): a large request gives its
     * memory back, the common sizes keep reusing theirs (no shrink, so no fragmentation drift).
     */
    AUTO,
    /** Arena on, and free chunks returned at the end of each run ({@code memory.enable_memory_arena_shrinkage}). */
    SHRINK,
    /** ONNX Runtime's default: arena on, memory kept for reuse. */
    ON,
    /** No arena: every tensor is malloc'ed and freed, so large buffers go straight back to the system. */
    OFF;

    /** {@code -Ddiffusion4j.ort.cpuArena.shrinkAbovePixels=N}: the size above which {@link #AUTO} shrinks. */
    public static final String SHRINK_ABOVE_PROPERTY = "diffusion4j.ort.cpuArena.shrinkAbovePixels";
    static final long DEFAULT_SHRINK_ABOVE = 512L * 512;

    /** The value of {@value SessionFactory#CPU_ARENA_PROPERTY}, default {@link #AUTO}. */
    static CpuArena fromProperty() {
        String value = System.getProperty(SessionFactory.CPU_ARENA_PROPERTY);
        if (value == null || value.isBlank()) {
            return AUTO;
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

    /** The run options of a generation of {@code pixels} (width × height × images). */
    void configure(OrtSession.RunOptions options, long pixels) throws OrtException {
        if (shrinks(pixels)) {
            options.addRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        }
    }

    /** Whether the runs of a generation of {@code pixels} hand the arena's free chunks back at their end. */
    boolean shrinks(long pixels) {
        return this == SHRINK || this == AUTO && pixels > shrinkAbove();
    }

    static long shrinkAbove() {
        String value = System.getProperty(SHRINK_ABOVE_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_SHRINK_ABOVE;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(SHRINK_ABOVE_PROPERTY + " must be a pixel count of at least 0, got '"
                + value + "'");
    }
}

package io.github.diffusion4j.model;

import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuArenaTest {

    @AfterEach
    void clear() {
        System.clearProperty(SessionFactory.CPU_ARENA_PROPERTY);
        System.clearProperty(CpuArena.SHRINK_ABOVE_PROPERTY);
    }

    @Test
    void autoShrinksOnlyTheRunsOfAGenerationAboveTheThreshold() throws Exception {
        assertThat(CpuArena.AUTO.shrinks(512L * 512)).isFalse();
        assertThat(CpuArena.AUTO.shrinks(768L * 768)).isTrue();
        assertThat(CpuArena.SHRINK.shrinks(64L * 64)).isTrue();
        assertThat(CpuArena.ON.shrinks(1024L * 1024)).isFalse();
        try (OrtSession.RunOptions large = new OrtSession.RunOptions()) {
            CpuArena.AUTO.configure(large, 768L * 768); // ONNX Runtime accepts the entry
        }
        System.setProperty(CpuArena.SHRINK_ABOVE_PROPERTY, "4096");
        assertThat(CpuArena.AUTO.shrinks(128L * 128)).isTrue();
        System.setProperty(CpuArena.SHRINK_ABOVE_PROPERTY, "-1");
        assertThatThrownBy(CpuArena::shrinkAbove).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("diffusion4j.ort.cpuArena.shrinkAbovePixels must be a pixel count of at least 0, got '-1'");
    }

    @Test
    void autoIsTheDefaultAndThePropertyChooses() {
        assertThat(CpuArena.fromProperty()).isEqualTo(CpuArena.AUTO);
        System.setProperty(SessionFactory.CPU_ARENA_PROPERTY, " Off ");
        assertThat(CpuArena.fromProperty()).isEqualTo(CpuArena.OFF);
        System.setProperty(SessionFactory.CPU_ARENA_PROPERTY, "shrink");
        try (SessionFactory factory = SessionFactory.create(ExecutionProvider.CPU, 0, 1)) {
            assertThat(factory.cpuArena()).isEqualTo(CpuArena.SHRINK);
        }
    }

    @Test
    void anUnknownValueNamesThePropertyAndTheChoices() {
        System.setProperty(SessionFactory.CPU_ARENA_PROPERTY, "sometimes");
        assertThatThrownBy(() -> SessionFactory.create(ExecutionProvider.CPU, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("diffusion4j.ort.cpuArena must be one of [auto, shrink, on, off], got 'sometimes'");
    }
}

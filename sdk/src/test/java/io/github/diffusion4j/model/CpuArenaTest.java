package io.github.diffusion4j.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuArenaTest {

    @AfterEach
    void clear() {
        System.clearProperty(SessionFactory.CPU_ARENA_PROPERTY);
    }

    @Test
    void onIsTheDefaultAndThePropertyChooses() {
        assertThat(CpuArena.fromProperty()).isEqualTo(CpuArena.ON);
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
                .hasMessage("diffusion4j.ort.cpuArena must be one of [shrink, on, off], got 'sometimes'");
    }
}

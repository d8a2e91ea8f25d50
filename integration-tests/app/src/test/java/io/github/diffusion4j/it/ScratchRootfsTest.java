package io.github.diffusion4j.it;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the scratch image finds the host libraries to copy. */
class ScratchRootfsTest {

    @Test
    void lddOutputGivesHostPathsAndTheLoader() {
        String output = """
                \tlinux-vdso.so.1 (0x00007ffd5b1f2000)
                \tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f3c1c5e0000)
                \tlibjvm.so => not found
                \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f3c1c3ff000)
                \t/lib64/ld-linux-x86-64.so.2 (0x00007f3c1c61c000)
                """;
        assertThat(ScratchRootfs.parseLdd(output)).containsExactly("/lib/x86_64-linux-gnu/libz.so.1",
                "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2");
    }
}

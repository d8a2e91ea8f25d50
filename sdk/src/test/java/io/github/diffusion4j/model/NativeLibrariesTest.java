package io.github.diffusion4j.model;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The native libraries are extracted once into the cache and reused, never copied again. */
class NativeLibrariesTest {

    @Test
    void extractsOnceAndReuses(@TempDir Path cache) throws Exception {
        String platform = NativeLibraries.platform();
        Assumptions.assumeTrue("linux-x64".equals(platform), "natives are only checked on linux-x64, this is " + platform);
        String prefix = "/ai/onnxruntime/native/linux-x64/";
        // The small libraries are enough to prove the once-only copy; the 582 MB CUDA provider takes the same path.
        List<String> libraries = List.of("libonnxruntime4j_jni.so", "libonnxruntime_providers_shared.so");
        Assumptions.assumeTrue(NativeLibraries.class.getResource(prefix + libraries.get(0)) != null,
                "this ONNX Runtime jar carries no linux-x64 natives");
        NativeLibraries.extractAll(prefix, libraries, cache);
        Path jni = cache.resolve(libraries.get(0));
        long size = NativeLibraries.class.getResource(prefix + libraries.get(0)).openConnection().getContentLengthLong();
        assertThat(jni).exists();
        assertThat(Files.size(jni)).isEqualTo(size);
        FileTime written = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(jni, written);

        NativeLibraries.extractAll(prefix, libraries, cache);
        assertThat(Files.getLastModifiedTime(jni)).as("a cached library is not copied again").isEqualTo(written);

        // A truncated copy (a crash half-way in an older JVM) is replaced.
        Files.write(jni, new byte[10]);
        NativeLibraries.extractAll(prefix, libraries, cache);
        assertThat(Files.size(jni)).isEqualTo(size);
        try (var files = Files.list(cache)) {
            assertThat(files.filter(f -> f.toString().endsWith(".part"))).isEmpty();
        }
    }

    @Test
    void noDriverMeansAutoNamesTheMissingLibrary() {
        Assumptions.assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")), "this machine has an NVIDIA driver");
        assertThat(SessionFactory.missingCudaDriver()).hasValueSatisfying(m -> assertThat(m).startsWith("libcuda.so.1"));
    }
}

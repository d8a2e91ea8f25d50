package io.github.diffusion4j.quarkus.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The extracted copy of an embedded model is named by its content: a retrained model whose files have exactly the
 * sizes of the previous one (same architecture, new weights) must not be served from the older extraction.
 */
class EmbeddedModelExtractionTest {

    private static final String PREFIX = "META-INF/diffusion4j/models/extraction-test/";
    private static final List<String> FILES = List.of("model_index.json", "unet/model.onnx");

    @TempDir
    Path tmp;
    private String savedTmpDir;
    private ClassLoader savedLoader;

    @BeforeEach
    void redirectTmpDir() throws IOException {
        savedTmpDir = System.getProperty("java.io.tmpdir");
        savedLoader = Thread.currentThread().getContextClassLoader();
        Path extractRoot = tmp.resolve("java-tmp");
        Files.createDirectories(extractRoot);
        System.setProperty("java.io.tmpdir", extractRoot.toString());
    }

    @AfterEach
    void restore() {
        System.setProperty("java.io.tmpdir", savedTmpDir);
        Thread.currentThread().setContextClassLoader(savedLoader);
    }

    @Test
    void sameSizesDifferentBytesGetTheirOwnCopy() throws IOException {
        Path v1 = extractFrom("v1", Map.of("model_index.json", "{}", "unet/model.onnx", "weights-AAAA"));
        Path v2 = extractFrom("v2", Map.of("model_index.json", "{}", "unet/model.onnx", "weights-BBBB"));

        assertThat(v2).isNotEqualTo(v1);
        assertThat(Files.readString(v1.resolve("unet/model.onnx"))).isEqualTo("weights-AAAA");
        assertThat(Files.readString(v2.resolve("unet/model.onnx"))).isEqualTo("weights-BBBB");
    }

    @Test
    void sameBytesReuseTheExtraction() throws IOException {
        Path first = extractFrom("a", Map.of("model_index.json", "{}", "unet/model.onnx", "weights"));
        Path second = extractFrom("b", Map.of("model_index.json", "{}", "unet/model.onnx", "weights"));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void buildTimeKeyIsTheRuntimeKey() throws IOException {
        Map<String, String> content = Map.of("model_index.json", "{}", "unet/model.onnx", "weights");
        Path withoutKey = extractFrom("runtime", content);
        String buildTimeKey = ModelLoader.contentKey(PREFIX, FILES,
                file -> new ByteArrayInputStream(content.get(file).getBytes(StandardCharsets.UTF_8)));

        assertThat(withoutKey.getFileName().toString()).isEqualTo("extraction-test-" + buildTimeKey);
    }

    @Test
    void contentKeyNamesAMissingFile() {
        assertThatThrownBy(() -> ModelLoader.contentKey(PREFIX, FILES, file -> null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(PREFIX + "model_index.json");
    }

    /** Puts {@code files} under {@link #PREFIX} in a fresh class path folder and extracts them, with no build-time key. */
    private Path extractFrom(String name, Map<String, String> files) throws IOException {
        Path root = tmp.resolve("classpath-" + name);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = root.resolve(PREFIX + file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            Thread.currentThread().setContextClassLoader(loader);
            ModelSpec spec = new ModelSpec("extraction-test", "extraction-test");
            spec.setEmbeddedPrefix(PREFIX);
            spec.setEmbeddedFiles(FILES);
            return ModelLoader.extract(spec);
        } finally {
            Thread.currentThread().setContextClassLoader(savedLoader);
        }
    }
}

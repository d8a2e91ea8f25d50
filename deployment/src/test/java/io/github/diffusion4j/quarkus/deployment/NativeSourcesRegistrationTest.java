package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.test.ProdBuildResults;
import io.quarkus.test.ProdModeTestResults;
import io.quarkus.test.QuarkusProdModeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GraalVM is not available here: build the native-image sources only and check the generated configuration (the
 * native-image arguments, the JSON registrations inside the runner jar, and the generated GraalVM Feature that
 * initialises classes at run time).
 */
class NativeSourcesRegistrationTest {

    @RegisterExtension
    static final QuarkusProdModeTest test = new QuarkusProdModeTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .setApplicationName("native-sources")
            .setApplicationVersion("0.1")
            .overrideConfigKey("quarkus.native.enabled", "true")
            .overrideConfigKey("quarkus.native.sources-only", "true")
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.embed", "true")
            .setRun(false);

    @ProdBuildResults
    ProdModeTestResults results;

    @Test
    void generatedConfigurationHasTheOnnxRuntimeRegistrations() throws IOException {
        String all = readAll(results.getBuildDir());
        for (String cls : OnnxRuntimeNativeProcessor.JNI_CLASSES) {
            assertThat(all).as("JNI/reflection registration of " + cls).contains(cls);
        }
        for (String cls : OnnxRuntimeNativeProcessor.RUNTIME_INITIALIZED) {
            assertThat(all).as("run-time initialisation of " + cls).contains(cls);
        }
        assertThat(all).contains("ai/onnxruntime/native/linux-x64/libonnxruntime.so")
                .contains("ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so")
                .contains("ai/onnxruntime/native/linux-x64/libonnxruntime_providers_shared.so")
                .doesNotContain("libonnxruntime_providers_cuda.so")
                .contains("META-INF/diffusion4j/embedded/default/unet/model.onnx");
    }

    @Test
    void generatedConfigurationHasTheTokenizersRegistrations() throws IOException {
        String all = readAll(results.getBuildDir());
        for (String cls : TokenizersNativeProcessor.JNI_CLASSES) {
            assertThat(all).as("JNI registration of " + cls).contains(cls);
        }
        for (String cls : TokenizersNativeProcessor.RUNTIME_INITIALIZED) {
            assertThat(all).as("run-time initialisation of " + cls).contains(cls);
        }
        assertThat(all).contains("native/lib/tokenizers.properties")
                .contains("native/lib/linux-x86_64/cpu/libtokenizers.so")
                .doesNotContain("native/lib/osx-aarch64");
    }

    /** Every native-image.args and every JSON file under the build folder, including those inside jars. */
    private static String readAll(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".args") || name.endsWith(".json") || name.endsWith(".properties")) {
                    all.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
                } else if (name.endsWith("-runner.jar")) {
                    try (ZipFile zip = new ZipFile(file.toFile())) {
                        Enumeration<? extends ZipEntry> entries = zip.entries();
                        while (entries.hasMoreElements()) {
                            ZipEntry entry = entries.nextElement();
                            if (entry.getName().startsWith("META-INF/native-image/")
                                    && (entry.getName().endsWith(".json") || entry.getName().endsWith(".properties"))) {
                                try (InputStream in = zip.getInputStream(entry)) {
                                    all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
                                }
                            } else if (entry.getName().startsWith("io/quarkus/runner/") && entry.getName().endsWith(".class")) {
                                // run-time initialisation is generated as code of a GraalVM Feature: read its string constants
                                try (InputStream in = zip.getInputStream(entry)) {
                                    all.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).append('\n');
                                }
                            }
                        }
                    }
                }
            }
        }
        return all.toString();
    }
}

package io.github.diffusion4j.tokenizer;

import ai.djl.huggingface.tokenizers.jni.LibUtils;
import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads the Hugging Face tokenizers JNI library once per class loader from a copy of its own. DJL extracts
 * {@code libtokenizers.so} into one fixed cache path per JVM ({@code ~/.djl.ai/tokenizers/...}), and a JNI library
 * loaded by one class loader cannot be loaded by another ("already loaded in another classloader"): Quarkus loads the
 * SDK at build time (model validation) and again in the application, dev mode on every reload. ONNX Runtime's own
 * per-load extraction avoids this the same way. An explicit {@code ENGINE_CACHE_DIR} (environment or system
 * property) is left to DJL as it is.
 */
final class TokenizerNatives {

    private static final Logger LOG = Logger.getLogger(TokenizerNatives.class);
    /** DJL's {@code Utils.getEngineCacheDir()}: the environment variable, else the system property. */
    static final String CACHE_PROPERTY = "ENGINE_CACHE_DIR";

    private static boolean prepared;

    private TokenizerNatives() {
    }

    /**
     * Runs DJL's library loading (its {@code LibUtils} static initialiser) with the cache in a fresh temporary folder,
     * deleted when the JVM exits. DJL reports a failure later, from the first tokenizer it builds.
     */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (System.getenv(CACHE_PROPERTY) != null || System.getProperty(CACHE_PROPERTY) != null) {
            return;
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("diffusion4j-tokenizers-");
        } catch (IOException e) {
            LOG.debugf("No temporary folder for the tokenizers library (%s): DJL's cache is used", e.getMessage());
            return;
        }
        System.setProperty(CACHE_PROPERTY, dir.toString());
        try {
            LibUtils.checkStatus();
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf("The tokenizers library did not load: %s", e.getMessage());
        } finally {
            System.clearProperty(CACHE_PROPERTY);
            deleteOnExit(dir);
        }
    }

    /** Registers the extracted files for deletion, folders first: deleteOnExit runs in reverse order. */
    private static void deleteOnExit(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = files.toList();
            for (Path p : all) {
                File f = p.toFile();
                f.deleteOnExit();
            }
        } catch (IOException e) {
            LOG.debugf("Cannot list %s for deletion: %s", dir, e.getMessage());
        }
    }
}

package io.github.diffusion4j.model;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Extracts ONNX Runtime's native libraries from the jar ONCE into a cache folder and points
 * {@code onnxruntime.native.path} at it (the core libraries for every provider, the CUDA provider when CUDA is used).
 * <p>
 * Why: without this, every JVM that enables CUDA copies the 582 MB CUDA provider out of the jar into a fresh temp
 * folder (5–7 s and 582 MB of /tmp per start). The cache folder is keyed by ONNX Runtime version and library size, so
 * an upgrade extracts anew. Must run before the first use of any {@code ai.onnxruntime} class that loads natives.
 */
public final class NativeLibraries {

    private static final Logger LOG = Logger.getLogger(NativeLibraries.class);
    private static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";
    /** Overrides the cache folder (default {@code ~/.cache/diffusion4j/onnxruntime}). */
    public static final String CACHE_PROPERTY = "diffusion4j.native.cache";

    /** The cache folder this class pointed {@code onnxruntime.native.path} at, or null. */
    private static Path cachedFolder;
    private static boolean cudaPrepared;

    private NativeLibraries() {
    }

    /**
     * Makes the CUDA provider loadable without re-extraction. A no-op when {@code onnxruntime.native.path} was set by
     * the user, when the jar carries no CUDA provider for this platform (CPU jar, macOS), or after the first call.
     *
     * @return the folder ONNX Runtime will load natives from, if this call (or an earlier one) prepared one
     */
    public static synchronized Optional<Path> prepareForCuda() {
        if (cudaPrepared) {
            return Optional.ofNullable(currentFolder());
        }
        cudaPrepared = true;
        return prepare(true);
    }

    private static Path currentFolder() {
        String configured = System.getProperty(NATIVE_PATH_PROPERTY);
        return configured == null ? null : Paths.get(configured);
    }

    private static Optional<Path> prepare(boolean cuda) {
        String configured = System.getProperty(NATIVE_PATH_PROPERTY);
        if (configured != null && (cachedFolder == null || !cachedFolder.toString().equals(configured))) {
            return Optional.of(Paths.get(configured));
        }
        String platform = platform();
        if (platform == null) {
            return Optional.empty();
        }
        String prefix = "/ai/onnxruntime/native/" + platform + "/";
        List<String> libraries = platform.startsWith("win")
                ? List.of("onnxruntime.dll", "onnxruntime4j_jni.dll", "onnxruntime_providers_shared.dll",
                        "onnxruntime_providers_cuda.dll")
                : List.of("libonnxruntime.so", "libonnxruntime4j_jni.so", "libonnxruntime_providers_shared.so",
                        "libonnxruntime_providers_cuda.so");
        URL cudaLibrary = NativeLibraries.class.getResource(prefix + libraries.get(3));
        if (cudaLibrary == null) {
            // the CPU-only jar: its natives are small, and the folder key below needs the CUDA library
            return Optional.empty();
        }
        if (cachedFolder != null && !cuda) {
            return Optional.of(cachedFolder);
        }
        try {
            String version = Optional.ofNullable(ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion())
                    .orElse("unknown");
            long cudaSize = cudaLibrary.openConnection().getContentLengthLong();
            Path folder = cacheRoot().resolve(version + "-" + platform + "-" + cudaSize);
            extractAll(prefix, cuda ? libraries : libraries.subList(0, 3), folder);
            System.setProperty(NATIVE_PATH_PROPERTY, folder.toString());
            cachedFolder = folder;
            LOG.debugf("ONNX Runtime natives cached in %s", folder);
            return Optional.of(folder);
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("Could not cache ONNX Runtime natives (%s); ONNX Runtime will extract them to a temp folder", e.getMessage());
            return Optional.empty();
        }
    }

    /** Copies each library of {@code libraries} to {@code folder} unless an identical-size copy is already there. */
    static void extractAll(String prefix, List<String> libraries, Path folder) throws IOException {
        Files.createDirectories(folder);
        for (String library : libraries) {
            extract(prefix + library, folder.resolve(library));
        }
    }

    private static void extract(String resource, Path target) throws IOException {
        URL url = NativeLibraries.class.getResource(resource);
        if (url == null) {
            throw new IOException("missing resource " + resource);
        }
        long expected = url.openConnection().getContentLengthLong();
        if (Files.isRegularFile(target) && (expected < 0 || Files.size(target) == expected)) {
            return;
        }
        // Copy to a unique temp name and move into place, so concurrent JVMs never load a half-written library.
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("diffusion4j").resolve("onnxruntime");
    }

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        if (os.contains("linux") && x64) {
            return "linux-x64";
        }
        if (os.contains("windows") && x64) {
            return "win-x64";
        }
        return null;
    }
}

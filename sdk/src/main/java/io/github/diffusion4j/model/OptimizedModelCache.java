package io.github.diffusion4j.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Keeps the graphs ONNX Runtime optimised ({@link OrtSession.SessionOptions#setOptimizedModelFilePath}) so that the
 * next start of the same model loads the optimised graph with optimisation off instead of optimising again.
 * <p>
 * An entry is a folder named by a SHA-256 over the model file's content (sampled past 256 MiB), the name, size and
 * modification time of every other file in its folder (external weights: {@code model.onnx_data},
 * {@code weights.pb}), ONNX Runtime's version, the optimisation level, the provider and the CPU (the optimised CPU
 * graph may use layouts of this CPU's vector width). ONNX Runtime writes the optimised graph with its weights in an
 * external file beside it ({@code session.optimized_model_external_initializers_file_name}: a graph over 2 GB cannot
 * be one protobuf), into a fresh temporary folder that is then renamed into place: a concurrent start sees either no
 * entry or a complete one, and the loser of a race drops its copy. An entry that fails to load is deleted and rebuilt.
 * <p>
 * {@code -Ddiffusion4j.ort.optimizedModelCache=DIR} moves it (default {@code $XDG_CACHE_HOME/diffusion4j/optimized}
 * or {@code ~/.cache/diffusion4j/optimized}), {@code =off} turns it off. An entry holds a copy of the model's weights:
 * delete the folder to reclaim the space. CPU provider only (not measured on CUDA).
 */
final class OptimizedModelCache {

    private static final Logger LOG = Logger.getLogger(OptimizedModelCache.class);
    /** {@code DIR} or {@code off}. */
    static final String PROPERTY = "diffusion4j.ort.optimizedModelCache";
    private static final String GRAPH = "model.onnx";
    private static final String WEIGHTS = "model.onnx.data";
    private static final long FULL_HASH_LIMIT = 256L << 20;
    private static final int SAMPLE = 1 << 20;
    private static final Duration STALE_TEMP = Duration.ofHours(1);

    /** Makes fresh session options at an optimisation level (one per session: the output path is per session). */
    interface OptionsMaker {
        OrtSession.SessionOptions make(OrtSession.SessionOptions.OptLevel level) throws OrtException;
    }

    private final Path root;
    private final String context;

    OptimizedModelCache(Path root, String context) {
        this.root = root;
        this.context = context;
    }

    /** The cache the system property asks for, or null when it is off. */
    static OptimizedModelCache fromProperty(String provider) {
        String value = System.getProperty(PROPERTY);
        if (value != null && value.strip().equalsIgnoreCase("off")) {
            return null;
        }
        Path root;
        if (value != null && !value.isBlank()) {
            root = Paths.get(value.strip());
        } else {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Paths.get(xdg)
                    : Paths.get(System.getProperty("user.home"), ".cache");
            root = base.resolve("diffusion4j").resolve("optimized");
        }
        String version = OrtEnvironment.getEnvironment().getVersion();
        return new OptimizedModelCache(root, "ort=" + version + ";level=ALL_OPT;provider=" + provider + ";cpu="
                + cpuIdentity());
    }

    Path root() {
        return root;
    }

    /**
     * A session of {@code model}: from the cached optimised graph when there is one, else optimised now with the
     * result stored for the next start. Problems with the cache itself (disk full, read-only folder) only cost the
     * cache: the session is still made from the model.
     */
    OrtSession open(OrtEnvironment env, Path model, OptionsMaker options) throws OrtException {
        String key;
        try {
            key = key(model);
        } catch (IOException e) {
            LOG.debugf("Optimized model cache skipped for %s: %s", model, e.getMessage());
            return plain(env, model, options);
        }
        Path entry = root.resolve(key);
        Path cached = entry.resolve(GRAPH);
        if (Files.isRegularFile(cached)) {
            try (OrtSession.SessionOptions o = options.make(OrtSession.SessionOptions.OptLevel.NO_OPT)) {
                OrtSession session = env.createSession(cached.toString(), o);
                LOG.debugf("Loaded the optimized graph of %s from %s", model, entry);
                return session;
            } catch (OrtException e) {
                LOG.warnf("The optimized graph cached for %s in %s does not load (%s); rebuilding it", model, entry,
                        e.getMessage());
                deleteTree(entry);
            }
        }
        Path temp;
        try {
            Files.createDirectories(root);
            removeStaleTemps();
            temp = Files.createTempDirectory(root, key + ".tmp");
        } catch (IOException e) {
            LOG.warnf("Optimized model cache %s is not writable (%s); optimizing %s without caching it", root,
                    e.getMessage(), model);
            return plain(env, model, options);
        }
        OrtSession session;
        try (OrtSession.SessionOptions o = options.make(OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            o.setOptimizedModelFilePath(temp.resolve(GRAPH).toString());
            o.addConfigEntry("session.optimized_model_external_initializers_file_name", WEIGHTS);
            o.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
            // ONNX Runtime warns that an ALL_OPT graph is hardware-specific: the entry's key holds this CPU's identity
            o.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            session = env.createSession(model.toString(), o);
        } catch (OrtException | RuntimeException e) {
            deleteTree(temp);
            throw e;
        }
        publish(temp, entry, model);
        return session;
    }

    private static OrtSession plain(OrtEnvironment env, Path model, OptionsMaker options) throws OrtException {
        try (OrtSession.SessionOptions o = options.make(OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            return env.createSession(model.toString(), o);
        }
    }

    /** Renames the finished temporary folder into place; a concurrent start that got there first keeps its entry. */
    private static void publish(Path temp, Path entry, Path model) {
        if (!Files.isRegularFile(temp.resolve(GRAPH))) {
            LOG.warnf("ONNX Runtime wrote no optimized graph for %s; not cached", model);
            deleteTree(temp);
            return;
        }
        try {
            Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
            LOG.debugf("Cached the optimized graph of %s in %s", model, entry);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException raceLost) {
            deleteTree(temp);
        } catch (AtomicMoveNotSupportedException | RuntimeException e) {
            LOG.warnf("Could not store the optimized graph of %s in %s: %s", model, entry, e.getMessage());
            deleteTree(temp);
        } catch (IOException e) {
            if (!Files.isRegularFile(entry.resolve(GRAPH))) {
                LOG.warnf("Could not store the optimized graph of %s in %s: %s", model, entry, e.getMessage());
            }
            deleteTree(temp);
        }
    }

    /** The entry name of {@code model} in this context. */
    String key(Path model) throws IOException {
        MessageDigest sha = sha256();
        sha.update(("v1;" + context + ";").getBytes(StandardCharsets.UTF_8));
        hashContent(model, sha);
        Path dir = model.toAbsolutePath().getParent();
        List<Path> siblings = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!f.getFileName().equals(model.getFileName()) && Files.isRegularFile(f)) {
                    siblings.add(f);
                }
            }
        }
        siblings.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path f : siblings) {
            sha.update((";" + f.getFileName() + ":" + Files.size(f) + ":" + Files.getLastModifiedTime(f).toMillis())
                    .getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
    }

    /** The whole file up to 256 MiB (a graph with external weights is small); past it size and first and last MiB. */
    private static void hashContent(Path file, MessageDigest sha) throws IOException {
        long size = Files.size(file);
        sha.update(Long.toString(size).getBytes(StandardCharsets.UTF_8));
        if (size <= FULL_HASH_LIMIT) {
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    sha.update(buffer, 0, n);
                }
            }
            return;
        }
        sha.update(Long.toString(Files.getLastModifiedTime(file).toMillis()).getBytes(StandardCharsets.UTF_8));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long at : new long[] {0, size - SAMPLE}) {
                ByteBuffer b = ByteBuffer.allocate(SAMPLE);
                while (b.hasRemaining() && channel.read(b, at + b.position()) > 0) {
                    // read the whole sample
                }
                b.flip();
                sha.update(b);
            }
        }
    }

    /** Folders of starts that died while writing (older than an hour). */
    private void removeStaleTemps() {
        long cutoff = System.currentTimeMillis() - STALE_TEMP.toMillis();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "*.tmp*")) {
            for (Path p : entries) {
                if (Files.getLastModifiedTime(p).toMillis() < cutoff) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            LOG.debugf("Could not look for stale temporary folders in %s: %s", root, e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debugf("Could not delete %s: %s", dir, e.getMessage());
        }
    }

    /** The CPU model and its instruction-set flags (Linux), else the architecture. */
    private static String cpuIdentity() {
        StringBuilder id = new StringBuilder(System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT));
        Path cpuinfo = Paths.get("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                lines.filter(l -> l.startsWith("model name") || l.startsWith("flags") || l.startsWith("Features"))
                        .distinct().limit(3).forEach(l -> id.append('|').append(l.strip()));
            } catch (IOException | java.io.UncheckedIOException e) {
                LOG.debugf("Could not read %s: %s", cpuinfo, e.getMessage());
            }
        }
        MessageDigest sha = sha256();
        return HexFormat.of().formatHex(sha.digest(id.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}

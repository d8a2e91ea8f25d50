package io.github.diffusion4j.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Lays out the file system of the {@code FROM scratch} image in a folder: a {@code jlink}ed Java runtime in
 * {@code /opt/java}, ONNX Runtime's CPU natives in {@code /opt/onnxruntime}, every shared library these need (found
 * with {@code ldd}, the dynamic loader included) at the path the host has it, and an empty {@code /tmp}.
 * <p>
 * No registry is reachable here, so the image cannot start from a distribution: it carries exactly what the JVM and
 * ONNX Runtime load. The folder is built once per JDK and ONNX Runtime jar (a fingerprint file says which) and reused,
 * so the Docker build that follows finds the same context and answers from its layer cache.
 */
final class ScratchRootfs {

    /**
     * What the application needs: Quarkus, Vert.x, Jackson, ImageIO (java.desktop), JNI for ONNX Runtime. A fixed list
     * instead of {@code jdeps} over ~150 jars: jdeps takes a minute on two cores and finds the same set.
     */
    static final List<String> MODULES = List.of("java.base", "java.desktop", "java.logging", "java.management",
            "java.naming", "java.net.http", "java.security.jgss", "java.sql", "java.xml", "jdk.unsupported",
            "jdk.crypto.ec", "jdk.zipfs");
    /** ONNX Runtime's CPU natives: never the 582 MB CUDA provider, which only a CUDA base image can use anyway. */
    static final List<String> ORT_NATIVES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so",
            "libonnxruntime_providers_shared.so");
    /** Headless AWT never loads these; keeping them would pull libX11 and friends into the image through ldd. */
    static final Set<String> X11_LIBRARIES = Set.of("libawt_xawt.so", "libjawt.so", "libsplashscreen.so");

    static final String JAVA_HOME = "opt/java";
    static final String ORT_HOME = "opt/onnxruntime";

    private static final Pattern LDD_ARROW = Pattern.compile("^\\s*(\\S+)\\s+=>\\s+(/\\S+)\\s+\\(0x[0-9a-f]+\\)$");
    private static final Pattern LDD_PLAIN = Pattern.compile("^\\s*(/\\S+)\\s+\\(0x[0-9a-f]+\\)$");

    private ScratchRootfs() {
    }

    /** The root folder, prepared or reused. */
    static Path prepare(Path workDir) {
        Path rootfs = workDir.resolve("rootfs");
        Path fingerprintFile = workDir.resolve("rootfs.fingerprint");
        String fingerprint = fingerprint();
        try {
            if (Files.isDirectory(rootfs) && Files.exists(fingerprintFile)
                    && Files.readString(fingerprintFile).equals(fingerprint)) {
                return rootfs;
            }
            deleteRecursively(rootfs);
            Files.createDirectories(rootfs);
            long start = System.nanoTime();
            jlink(rootfs.resolve(JAVA_HOME));
            extractOrtNatives(rootfs.resolve(ORT_HOME));
            List<String> libraries = copySharedLibraries(rootfs);
            Path tmp = Files.createDirectories(rootfs.resolve("tmp"));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.writeString(fingerprintFile, fingerprint);
            System.out.printf("[container] rootfs in %d ms: %d MB, host libraries %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), sizeOf(rootfs) >> 20, libraries);
            return rootfs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the scratch image in " + rootfs, e);
        }
    }

    private static String fingerprint() {
        Path ortJar = ortJar();
        try {
            return "java.home=" + System.getProperty("java.home") + "\njava.version=" + Runtime.version()
                    + "\nort=" + ortJar + " " + Files.size(ortJar) + "\nmodules=" + MODULES + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** jlink of the running JDK, in-process (no fork): about 15 s on two cores with compression. */
    private static void jlink(Path output) {
        ToolProvider jlink = ToolProvider.findFirst("jlink").orElseThrow(() -> new IllegalStateException(
                "jlink is missing: run the tests with a full JDK (java.home=" + System.getProperty("java.home") + ")"));
        // jdk.crypto.ec became part of java.base in JDK 22: link only the modules this JDK has
        String modules = MODULES.stream().filter(m -> ModuleFinder.ofSystem().find(m).isPresent())
                .collect(Collectors.joining(","));
        String compress = Runtime.version().feature() >= 21 ? "--compress=zip-6" : "--compress=2";
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        int rc = jlink.run(out, out, "--add-modules", modules, "--output", output.toString(), "--strip-debug",
                "--no-header-files", "--no-man-pages", compress);
        if (rc != 0) {
            throw new IllegalStateException("jlink failed (" + rc + "): " + log.toString(StandardCharsets.UTF_8));
        }
        try (Stream<Path> files = Files.walk(output.resolve("lib"))) {
            for (Path p : files.filter(p -> X11_LIBRARIES.contains(p.getFileName().toString())).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path ortJar() {
        try {
            return Path.of(ai.onnxruntime.OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void extractOrtNatives(Path target) throws IOException {
        Files.createDirectories(target);
        try (ZipFile jar = new ZipFile(ortJar().toFile())) {
            for (String name : ORT_NATIVES) {
                ZipEntry entry = jar.getEntry("ai/onnxruntime/native/linux-x64/" + name);
                if (entry == null) {
                    throw new IllegalStateException(ortJar() + " has no linux-x64 " + name);
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /**
     * Copies every library that {@code ldd} resolves for the ELF files under the root (java, the JDK's libraries,
     * ONNX Runtime) to the same absolute path inside the root, following symbolic links to the real file. The
     * dynamic loader ({@code /lib64/ld-linux-x86-64.so.2}) comes out of ldd like any other line. Libraries that live in
     * the root already (libjvm.so, libonnxruntime.so) are found through their RUNPATH or loaded by absolute path.
     */
    private static List<String> copySharedLibraries(Path rootfs) throws IOException {
        Set<String> hostPaths = new TreeSet<>();
        List<Path> elves;
        try (Stream<Path> files = Files.walk(rootfs)) {
            elves = files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".so") || p.getParent().endsWith("bin"))
                    .toList();
        }
        String root = rootfs.toAbsolutePath().toString();
        for (Path elf : elves) {
            // $ORIGIN-relative dependencies (libjava.so -> libjvm.so) resolve inside the root: already there
            ldd(elf).stream().filter(p -> !p.startsWith(root)).forEach(hostPaths::add);
        }
        List<String> copied = new ArrayList<>();
        for (String hostPath : hostPaths) {
            Path target = rootfs.resolve(hostPath.substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(hostPath), target, StandardCopyOption.REPLACE_EXISTING);
            copied.add(hostPath);
        }
        return copied;
    }

    /** The absolute host paths ldd resolves for one file ("not found" lines are the root's own libraries). */
    static List<String> ldd(Path elf) throws IOException {
        Process process = new ProcessBuilder("ldd", elf.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return parseLdd(output);
    }

    static List<String> parseLdd(String output) {
        List<String> paths = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher arrow = LDD_ARROW.matcher(line);
            Matcher plain = LDD_PLAIN.matcher(line);
            if (arrow.matches()) {
                paths.add(arrow.group(2));
            } else if (plain.matches()) {
                paths.add(plain.group(1));
            }
        }
        return paths;
    }

    static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package io.github.diffusion4j.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.DeviceRequest;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.dockerfile.DockerfileBuilder;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Builds the application image locally and starts it with Testcontainers.
 * <ul>
 *   <li>Default: {@code FROM scratch} plus {@link ScratchRootfs} (jlinked Java, ONNX Runtime CPU natives, the shared
 *       libraries they need). Nothing is pulled.</li>
 *   <li>{@code -Dit.base-image=IMAGE}: {@code FROM IMAGE}, which must have {@code java} on its PATH (e.g. a CUDA
 *       runtime image with a JRE added): for hosts with a registry, and for the GPU variant.</li>
 * </ul>
 * The packaged application ({@code target/quarkus-app}) and the model folder are bind-mounted read-only instead of
 * copied: the vfs storage driver copies every layer in full for each image and each container, and the application
 * carries the 642 MB ONNX Runtime GPU jar. {@code -Dit.container.app=copy} copies the application into the image
 * instead, for a Docker daemon on another machine, where bind mounts cannot reach the build output.
 * <p>
 * Images use fixed tags and are kept ({@code deleteOnExit=false}), so the next run reuses their layers. Containers
 * carry the label {@value #LABEL} and the test JVM's pid: each run removes those left by runs that are gone (a killed
 * build), and stops its own in {@code @AfterAll}.
 */
final class AppContainer {

    static final String LABEL = "diffusion4j.it";
    static final String PID_LABEL = LABEL + ".pid";
    static final String SCRATCH_IMAGE = "diffusion4j-it:scratch";
    static final String BASE_IMAGE_PROPERTY = "it.base-image";
    static final int PORT = 8080;
    /**
     * ONNX Runtime 1.29's telemetry start-up dereferences a file it could not open when the image has no CA bundle
     * (SIGSEGV in fclose inside OrtEnvironment.createHandle, seen with the scratch image). A container of this suite
     * reaches no network anyway; the variable is read by the native library at start-up, so it must be in the
     * environment, not a system property.
     */
    static final String NO_TELEMETRY = "ORT_DISABLE_TELEMETRY";

    private final GenericContainer<?> container;

    private AppContainer(GenericContainer<?> container) {
        this.container = container;
    }

    /** Removes the stale containers, builds (or reuses) the image and starts the application on it. */
    static AppContainer start(boolean gpu) {
        removeStaleContainers();
        Path appDir = existingDir("it.app.dir", "the packaged application (run mvn verify, which packages first)");
        Path modelDir = existingDir("it.model", "the model folder");
        Path workDir = Path.of(System.getProperty("it.work.dir", "target/container")).toAbsolutePath();
        Optional<String> baseImage = baseImage();
        boolean copyApp = "copy".equals(System.getProperty("it.container.app", "bind"));

        long start = System.nanoTime();
        ImageFromDockerfile image = baseImage.isPresent()
                ? baseImage(baseImage.get(), appDir, copyApp)
                : scratchImage(ScratchRootfs.prepare(workDir), appDir, copyApp);
        String imageName = image.get();
        log("image %s ready in %d ms", imageName, millisSince(start));

        GenericContainer<?> container = new GenericContainer<>(imageName)
                .withLabel(LABEL, "true")
                .withLabel(PID_LABEL, Long.toString(ProcessHandle.current().pid()))
                .withFileSystemBind(modelDir.toString(), "/model", BindMode.READ_ONLY)
                .withEnv("QUARKUS_DIFFUSION4J_PATH", "/model")
                .withEnv("QUARKUS_DIFFUSION4J_PROVIDER", gpu ? "cuda" : "cpu")
                .withEnv("JAVA_TOOL_OPTIONS", "-Xmx1g")
                .withExposedPorts(PORT)
                .withLogConsumer(frame -> System.out.println("[container] " + frame.getUtf8StringWithoutLineEnding()))
                // one attempt: a crashing application would otherwise be started three times over
                .withStartupAttempts(1)
                .waitingFor(Wait.forHttp("/diffusion/v1/models").forStatusCode(200)
                        .withStartupTimeout(Duration.ofSeconds(90)));
        if (!copyApp) {
            container.withFileSystemBind(appDir.toString(), "/app", BindMode.READ_ONLY);
        }
        if (gpu) {
            container.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withDeviceRequests(List.of(
                    new DeviceRequest().withCount(-1).withCapabilities(List.of(List.of("gpu"))))));
        }
        start = System.nanoTime();
        container.start();
        log("container %s started in %d ms", container.getContainerId().substring(0, 12), millisSince(start));
        return new AppContainer(container);
    }

    URI baseUri() {
        return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(PORT));
    }

    void stop() {
        container.stop();
    }

    private static ImageFromDockerfile scratchImage(Path rootfs, Path appDir, boolean copyApp) {
        ImageFromDockerfile image = new ImageFromDockerfile(copyApp ? SCRATCH_IMAGE + "-app" : SCRATCH_IMAGE, false)
                .withFileFromPath("rootfs", rootfs);
        if (copyApp) {
            image.withFileFromPath("app", appDir);
        }
        // the builder form: a Dockerfile on disk makes Testcontainers pull its FROM image first, and "scratch" is no image
        return image.withDockerfileFromBuilder(b -> {
            b.from("scratch").copy("rootfs/", "/");
            if (copyApp) {
                b.copy("app/", "/app/");
            }
            b.label(LABEL, "true")
                    .env(NO_TELEMETRY, "1")
                    .expose(PORT)
                    // the natives shipped in the image: ONNX Runtime would otherwise extract them from the jar to /tmp
                    .entryPoint("/" + ScratchRootfs.JAVA_HOME + "/bin/java",
                            "-Donnxruntime.native.path=/" + ScratchRootfs.ORT_HOME,
                            "-Djava.awt.headless=true", "-jar", "/app/quarkus-run.jar")
                    .build();
        });
    }

    private static ImageFromDockerfile baseImage(String base, Path appDir, boolean copyApp) {
        ImageFromDockerfile image = new ImageFromDockerfile(copyApp ? "diffusion4j-it:base-app" : "diffusion4j-it:base", false);
        if (copyApp) {
            image.withFileFromPath("app", appDir);
        }
        return image.withDockerfileFromBuilder(b -> {
            DockerfileBuilder builder = b.from(base);
            if (copyApp) {
                builder.copy("app/", "/app/");
            }
            // natives come from the application's ONNX Runtime jar (the GPU jar carries the CUDA provider); the SDK
            // extracts them once into this cache instead of a fresh temp folder per start
            builder.label(LABEL, "true").env(NO_TELEMETRY, "1").expose(PORT)
                    .entryPoint("java", "-Ddiffusion4j.native.cache=/tmp/diffusion4j-natives",
                            "-Djava.awt.headless=true", "-jar", "/app/quarkus-run.jar")
                    .build();
        });
    }

    static Optional<String> baseImage() {
        String base = System.getProperty(BASE_IMAGE_PROPERTY, "");
        return base.isBlank() || base.equals("scratch") ? Optional.empty() : Optional.of(base.trim());
    }

    /**
     * Removes the labelled containers whose test JVM is gone. A run killed before {@code @AfterAll} leaves its
     * container running; one of a build still running next to this one (another checkout) is left alone.
     */
    static void removeStaleContainers() {
        DockerClient docker = DockerClientFactory.instance().client();
        List<Container> labelled = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LABEL, "true")).exec();
        for (Container c : labelled) {
            String pid = c.getLabels() == null ? null : c.getLabels().get(PID_LABEL);
            boolean alive = pid != null && pid.matches("\\d+")
                    && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                log("removing stale container %s (%s, test JVM %s gone)", c.getId().substring(0, 12), c.getStatus(), pid);
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            }
        }
    }

    private static Path existingDir(String property, String what) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("-D" + property + " (" + what + ") is not set; failsafe sets it from the POM");
        }
        Path dir = Path.of(value).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("-D" + property + "=" + dir + " (" + what + ") is not a folder");
        }
        return dir;
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    static void log(String format, Object... args) {
        System.out.printf("[container] " + format + "%n", args);
    }
}

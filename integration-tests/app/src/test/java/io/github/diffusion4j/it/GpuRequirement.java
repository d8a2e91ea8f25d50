package io.github.diffusion4j.it;

import org.testcontainers.DockerClientFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the GPU container variant lacks on this host, if anything. It needs an NVIDIA driver, a Docker daemon with the
 * NVIDIA Container Toolkit's {@code nvidia} runtime, and a base image with CUDA 12 and cuDNN 9 (a scratch image has
 * neither). {@code -Dit.gpu=true} skips the host detection (e.g. CDI setups without an {@code nvidia} runtime entry);
 * {@code -Dit.gpu=false} switches the variant off.
 */
final class GpuRequirement {

    static final String PROPERTY = "it.gpu";
    static final String DRIVER_FILE = "/proc/driver/nvidia/version";

    private GpuRequirement() {
    }

    /** The reason the host cannot run the GPU variant, or empty when it can. Docker must be usable already. */
    static Optional<String> missing() {
        String forced = System.getProperty(PROPERTY, "").trim();
        if (forced.equalsIgnoreCase("false")) {
            return Optional.of("GPU variant switched off with -D" + PROPERTY + "=false");
        }
        if (!forced.equalsIgnoreCase("true")) {
            if (!Files.exists(Path.of(DRIVER_FILE))) {
                return Optional.of("no NVIDIA GPU driver on this host (" + DRIVER_FILE + " is missing); "
                        + "-D" + PROPERTY + "=true forces the GPU variant");
            }
            DockerRequirement.check();
            if (!hasNvidiaRuntime()) {
                return Optional.of("the Docker daemon has no 'nvidia' runtime: install the NVIDIA Container Toolkit "
                        + "and run 'nvidia-ctk runtime configure --runtime=docker' (or force with -D" + PROPERTY + "=true)");
            }
        } else {
            DockerRequirement.check();
        }
        if (AppContainer.baseImage().isEmpty()) {
            return Optional.of("a FROM-scratch image has no CUDA and cuDNN libraries: pass -D"
                    + AppContainer.BASE_IMAGE_PROPERTY + "=<a CUDA 12 + cuDNN 9 runtime image with java on the PATH> "
                    + "(see integration-tests/README.md)");
        }
        return Optional.empty();
    }

    private static boolean hasNvidiaRuntime() {
        Object runtimes = DockerClientFactory.instance().client().infoCmd().exec().getRawValues().get("Runtimes");
        return runtimes instanceof Map<?, ?> map && map.containsKey("nvidia");
    }
}

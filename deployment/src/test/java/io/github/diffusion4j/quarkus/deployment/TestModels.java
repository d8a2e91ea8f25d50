package io.github.diffusion4j.quarkus.deployment;

import java.nio.file.Path;
import java.nio.file.Paths;

/** The tiny random-weight models of tools/models, located through the surefire property {@code diffusion4j.testModels}. */
final class TestModels {

    private TestModels() {
    }

    static Path dir(String name) {
        String root = System.getProperty("diffusion4j.testModels");
        Path base = root != null ? Paths.get(root) : Paths.get("..", "tools", "models");
        return base.resolve(name).toAbsolutePath().normalize();
    }

    static String path(String name) {
        return dir(name).toString();
    }
}

package io.github.diffusion4j.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** When the container suite may skip, and when it must fail instead. */
class DockerRequirementTest {

    @Test
    void ciExpectsDocker() {
        assertThat(DockerRequirement.expectedBecause(Map.of("CI", "true"), null, p -> false)).contains("CI=true");
    }

    @Test
    void aDockerSocketExpectsDocker() {
        assertThat(DockerRequirement.expectedBecause(Map.of(), null, p -> p.equals(Path.of("/var/run/docker.sock"))))
                .contains("/var/run/docker.sock exists");
    }

    @Test
    void dockerHostExpectsDocker() {
        assertThat(DockerRequirement.expectedBecause(Map.of("DOCKER_HOST", "tcp://build:2375"), null, p -> false))
                .contains("DOCKER_HOST=tcp://build:2375");
    }

    @Test
    void thePropertyDecidesBothWays() {
        assertThat(DockerRequirement.expectedBecause(Map.of(), "true", p -> false)).contains("-Dit.docker.required=true");
        assertThat(DockerRequirement.expectedBecause(Map.of("CI", "true"), "false", p -> true)).isEmpty();
    }

    @Test
    void aPlainDeveloperMachineMaySkip() {
        assertThat(DockerRequirement.expectedBecause(Map.of("CI", "false"), null, p -> false)).isEmpty();
        assertThat(DockerRequirement.expectedBecause(Map.of(), "", p -> false)).isEmpty();
    }
}

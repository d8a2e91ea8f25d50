package io.github.diffusion4j.it;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides whether the container suite may skip. Testcontainers' own {@code disabledWithoutDocker} skips silently,
 * and on a misconfigured host (this machine has {@code /.dockerenv}) that turned the whole container suite into a
 * green build that tested nothing. Here a host where Docker is <em>expected</em> fails instead:
 * <ul>
 *   <li>{@code -Dit.docker.required=true|false} decides outright;</li>
 *   <li>otherwise Docker is expected when {@code CI=true}, when {@code DOCKER_HOST} is set, or when
 *       {@code /var/run/docker.sock} exists (a daemon was installed, so it should answer).</li>
 * </ul>
 * Only a developer machine with none of these skips, with a message saying so.
 */
final class DockerRequirement {

    static final String PROPERTY = "it.docker.required";
    static final String SOCKET = "/var/run/docker.sock";

    private DockerRequirement() {
    }

    /** Why Docker is expected on this host, or empty when the container suite may skip. */
    static Optional<String> expectedBecause(Map<String, String> env, String property, Predicate<Path> exists) {
        if (property != null && !property.isBlank()) {
            return Boolean.parseBoolean(property.trim())
                    ? Optional.of("-D" + PROPERTY + "=true")
                    : Optional.empty();
        }
        if ("true".equalsIgnoreCase(env.getOrDefault("CI", ""))) {
            return Optional.of("CI=true");
        }
        String dockerHost = env.get("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return Optional.of("DOCKER_HOST=" + dockerHost);
        }
        if (exists.test(Path.of(SOCKET))) {
            return Optional.of(SOCKET + " exists");
        }
        return Optional.empty();
    }

    /**
     * Returns when Testcontainers can use Docker; otherwise fails (Docker expected) or aborts the class (not expected).
     */
    static void check() {
        Optional<String> expected = expectedBecause(System.getenv(), System.getProperty(PROPERTY), Files::exists);
        if (expected.isPresent() && Files.exists(Path.of("/.dockerenv"))
                && System.getenv("TESTCONTAINERS_HOST_OVERRIDE") == null) {
            // fail in a second instead of letting Testcontainers pull an image for two minutes and then give up
            throw new AssertionError("Docker is expected (" + expected.get() + ") but TESTCONTAINERS_HOST_OVERRIDE is "
                    + "not set and /.dockerenv exists: Testcontainers would try to pull an image to find the host. "
                    + "Run through Maven (failsafe sets it) or export TESTCONTAINERS_HOST_OVERRIDE=localhost "
                    + "TESTCONTAINERS_RYUK_DISABLED=true");
        }
        String problem;
        try {
            DockerClientFactory.instance().client();
            return;
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        if (expected.isPresent()) {
            throw new AssertionError("Docker is expected (" + expected.get() + ") but Testcontainers cannot use it: "
                    + problem + ". Start it with tools/ci/prepare.d/10-docker.sh, or pass -D" + PROPERTY
                    + "=false to skip the container suite on purpose");
        }
        String why = "Container suite skipped: no Docker here (no " + SOCKET + ", no DOCKER_HOST, not CI; "
                + "Testcontainers said: " + problem + "). tools/ci/prepare.d/10-docker.sh installs and starts one; "
                + "-D" + PROPERTY + "=true makes this a failure";
        // printed as well: a class aborted in @BeforeAll shows as "Tests run: 0" in the failsafe summary, without why
        AppContainer.log("%s", why);
        Assumptions.abort(why);
    }
}

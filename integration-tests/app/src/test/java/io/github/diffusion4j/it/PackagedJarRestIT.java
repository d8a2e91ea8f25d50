package io.github.diffusion4j.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The scenarios against the packaged application ({@code target/quarkus-app/quarkus-run.jar}), which Quarkus starts
 * as a separate process: proves the build output works, not only the test class path.
 */
@QuarkusIntegrationTest
class PackagedJarRestIT extends InProcessRestTest {
}

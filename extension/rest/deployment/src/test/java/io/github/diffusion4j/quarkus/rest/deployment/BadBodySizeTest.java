package io.github.diffusion4j.quarkus.rest.deployment;

import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/** The REST extension checks its own run-time settings at start-up, naming the property. */
class BadBodySizeTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(RestTestSupport.class, RestTestSupport.Sse.class,
                    RestTestSupport.SseReader.class))
            .overrideConfigKey("quarkus.diffusion4j.path", RestTestSupport.model("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.rest.max-body-size", "0")
            .assertException(e -> assertThat(messages(e))
                    .contains("quarkus.diffusion4j.rest.max-body-size must be at least 1 byte, got 0"));

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void failsNamingTheProperty() {
        fail("the application must not start");
    }
}

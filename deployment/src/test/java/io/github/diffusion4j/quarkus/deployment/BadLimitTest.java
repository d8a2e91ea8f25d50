package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

class BadLimitTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.\"anime\".path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.\"anime\".limits.max-width", "-1")
            .assertException(e -> assertThat(rootMessages(e)).contains("quarkus.diffusion4j.\"anime\".limits.max-width must be at least 8, got -1"));

    static String rootMessages(Throwable e) {
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

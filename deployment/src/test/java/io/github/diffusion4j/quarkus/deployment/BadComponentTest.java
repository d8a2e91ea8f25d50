package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/** A per-component setting for a component name that does not exist stops the start naming the property. */
class BadComponentTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.components.\"text_encoder_9\".provider", "cpu")
            .assertException(e -> assertThat(BadProviderTest.rootMessages(e))
                    .contains("quarkus.diffusion4j.components.\"text_encoder_9\"")
                    .contains("unknown component 'text_encoder_9'"));

    @Test
    void failsNamingTheProperty() {
        fail("the application must not start");
    }
}

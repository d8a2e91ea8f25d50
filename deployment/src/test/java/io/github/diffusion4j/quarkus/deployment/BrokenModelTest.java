package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

class BrokenModelTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.\"broken\".path", TestModels.path("broken-wrong-input"))
            .assertException(e -> assertThat(BadProviderTest.rootMessages(e))
                    .contains("Model 'broken' configured by quarkus.diffusion4j.\"broken\".path cannot be loaded from "
                            + TestModels.path("broken-wrong-input") + ": ")
                    .contains("unet/model.onnx")
                    .contains("encoder_hidden_states"));

    @Test
    void failsTheBuildNamingThePropertyTheFileAndTheInput() {
        fail("the build must fail");
    }
}

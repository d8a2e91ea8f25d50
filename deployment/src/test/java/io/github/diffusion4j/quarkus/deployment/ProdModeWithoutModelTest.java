package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.test.QuarkusProdModeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A packaged application (prod mode) with no model configured does not fall back to the development model: it stops
 * at start-up with an error naming the property to set.
 */
class ProdModeWithoutModelTest {

    @RegisterExtension
    static final QuarkusProdModeTest app = new QuarkusProdModeTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .setApplicationName("no-model")
            .setApplicationVersion("0.1")
            .setRun(true)
            .setExpectExit(true);

    @Test
    void startupFailsNamingThePathProperty() {
        assertThat(app.getExitCode()).isNotZero();
        assertThat(app.getStartupConsoleOutput())
                .contains("No model configured for 'default': set quarkus.diffusion4j.path to the folder of a Stable"
                        + " Diffusion ONNX export (model_index.json, text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/)")
                .doesNotContain("using the embedded scenes model");
    }
}

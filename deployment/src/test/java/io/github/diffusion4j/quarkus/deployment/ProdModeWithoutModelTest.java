package io.github.diffusion4j.quarkus.deployment;

import io.quarkus.test.QuarkusProdModeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A production build with no model configured does not fall back to the development model (which is not even on its
 * class path): the build itself fails, naming the property to set with an example.
 */
class ProdModeWithoutModelTest {

    @RegisterExtension
    static final QuarkusProdModeTest app = new QuarkusProdModeTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .setApplicationName("no-model")
            .setApplicationVersion("0.1")
            .assertBuildException(failure -> {
                List<String> messages = new ArrayList<>();
                for (Throwable t = failure; t != null; t = t.getCause()) {
                    messages.add(String.valueOf(t.getMessage()));
                }
                assertThat(String.join("\n", messages))
                        .contains("No model configured for 'default': set quarkus.diffusion4j.path to the folder of a"
                                + " Stable Diffusion ONNX export")
                        .contains("e.g. quarkus.diffusion4j.path=/models/stable-diffusion-v1-5-onnx");
            });

    @Test
    void theBuildFailedNamingThePathProperty() {
        // the assertion is the build's failure, checked above
    }
}

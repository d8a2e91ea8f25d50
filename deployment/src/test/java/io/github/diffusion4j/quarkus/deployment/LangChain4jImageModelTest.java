package io.github.diffusion4j.quarkus.deployment;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With langchain4j-core on the class path every model is also a langchain4j ImageModel, qualified as its pipeline. */
class LangChain4jImageModelTest {

    @RegisterExtension
    static final QuarkusUnitTest test = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(TestModels.class))
            .overrideConfigKey("quarkus.diffusion4j.path", TestModels.path("optimum-new"))
            .overrideConfigKey("quarkus.diffusion4j.provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.steps", "2")
            .overrideConfigKey("quarkus.diffusion4j.\"v2\".path", TestModels.path("sd2-v-prediction"))
            .overrideConfigKey("quarkus.diffusion4j.\"v2\".provider", "cpu")
            .overrideConfigKey("quarkus.diffusion4j.\"v2\".steps", "2");

    @Inject
    ImageModel defaultModel;

    @Inject
    @ModelName("v2")
    ImageModel v2;

    @Test
    void generateReturnsAPngWithItsParameters() {
        Response<Image> response = defaultModel.generate("a red circle");
        Image image = response.content();
        assertThat(image.mimeType()).isEqualTo("image/png");
        byte[] png = Base64.getDecoder().decode(image.base64Data());
        assertThat(Images.readParameters(png)).startsWith("a red circle\nSteps: 2,").contains("Model: default");
        assertThat(response.metadata()).containsEntry("model", "default").containsKey("seed");
    }

    @Test
    void namedModelsHaveTheirOwnBeanAndBatchesGiveNImages() {
        Response<List<Image>> response = v2.generate("a blue square", 2);
        assertThat(response.content()).hasSize(2);
        assertThat(response.metadata()).containsEntry("model", "v2");
        byte[] second = Base64.getDecoder().decode(response.content().get(1).base64Data());
        // sd2-v-prediction's native size is 96 px
        assertThat(Images.readParameters(second)).contains("Size: 96x96", "Model: v2", "Batch pos: 1");
    }

    @Test
    void badArgumentsAndEditingAreRefusedByName() {
        assertThatThrownBy(() -> defaultModel.generate("x", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be at least 1, got 0");
        assertThatThrownBy(() -> defaultModel.generate(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt must not be blank");
        Image image = Image.builder().base64Data("AA==").mimeType("image/png").build();
        assertThatThrownBy(() -> defaultModel.edit(image, "make it blue")).isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("cannot edit images");
        assertThatThrownBy(() -> v2.edit(image, image, "make it blue")).isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("'v2' cannot edit images");
    }
}

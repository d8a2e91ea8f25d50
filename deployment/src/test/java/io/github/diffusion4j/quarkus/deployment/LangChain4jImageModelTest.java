package io.github.diffusion4j.quarkus.deployment;

import dev.langchain4j.data.image.Image;
import dev.langchain4j.model.image.ImageModel;
import dev.langchain4j.model.output.Response;
import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.quarkus.runtime.ModelName;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
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
    void badArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> defaultModel.generate("x", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be at least 1, got 0");
        assertThatThrownBy(() -> defaultModel.generate(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt must not be blank");
        Image url = Image.builder().url("https://example.invalid/cat.png").build();
        assertThatThrownBy(() -> defaultModel.edit(url, "make it blue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image: only base64 image data is read");
        Image text = Image.builder().base64Data(Base64.getEncoder().encodeToString("not an image".getBytes())).build();
        assertThatThrownBy(() -> defaultModel.edit(png(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB)), text, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mask is not an image");
    }

    @Test
    void editIsImageToImageAtTheImagesSize() throws Exception {
        BufferedImage init = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Response<Image> response = v2.edit(png(init), "a blue square");
        byte[] out = Base64.getDecoder().decode(response.content().base64Data());
        assertThat(ImageIO.read(new ByteArrayInputStream(out)).getWidth()).isEqualTo(64);
        assertThat(Images.readParameters(out)).contains("Size: 64x48", "Model: v2");
    }

    @Test
    void editWithAMaskRepaintsOnlyInsideIt() throws Exception {
        BufferedImage init = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        BufferedImage mask = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                init.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 0x40);
                mask.setRGB(x, y, x >= 32 ? 0xFFFFFF : 0);
            }
        }
        Response<Image> response = defaultModel.edit(png(init), png(mask), "a red circle");
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(response.content().base64Data())));
        int changed = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                if (x < 32) {
                    assertThat(out.getRGB(x, y)).as("kept pixel %d,%d", x, y).isEqualTo(init.getRGB(x, y));
                } else if (out.getRGB(x, y) != init.getRGB(x, y)) {
                    changed++;
                }
            }
        }
        assertThat(changed).as("repainted pixels").isPositive();
    }

    private static Image png(BufferedImage image) {
        return Image.builder().base64Data(Base64.getEncoder().encodeToString(Images.toPng(image, null)))
                .mimeType("image/png").build();
    }
}

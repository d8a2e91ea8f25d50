package io.github.diffusion4j.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A1111's short model hash over the UNet's weights file. */
class ModelHashTest {

    private static Path model(String name) {
        return Path.of(System.getProperty("diffusion4j.testModels", "../tools/models")).resolve(name);
    }

    @Test
    void isTheFirstTenHexDigitsOfTheSha256OfTheFile(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("unet"));
        Files.writeString(dir.resolve("unet/model.onnx"), "abc", StandardCharsets.US_ASCII);
        // FIPS 180-2 test vector: SHA-256("abc")
        assertThat(ModelHash.sha256(dir.resolve("unet/model.onnx")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ModelHash.shortHash(dir)).isEqualTo("ba7816bf8f");
    }

    @Test
    void hashesTheExternalWeightsWhenTheGraphHasThem() {
        assertThat(ModelHash.unetWeights(model("external-weights")).getFileName().toString()).isEqualTo("model.onnx_data");
        assertThat(ModelHash.unetWeights(model("external-weights-pb")).getFileName().toString()).isEqualTo("weights.pb");
        assertThat(ModelHash.unetWeights(model("optimum-new")).getFileName().toString()).isEqualTo("model.onnx");
        assertThat(ModelHash.shortHash(model("optimum-new"))).matches("[0-9a-f]{10}")
                .isNotEqualTo(ModelHash.shortHash(model("external-weights")));
    }

    @Test
    void aFolderWithoutUnetIsNamed() {
        assertThatThrownBy(() -> ModelHash.shortHash(model("broken-missing-unet")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No UNet weights in");
    }
}

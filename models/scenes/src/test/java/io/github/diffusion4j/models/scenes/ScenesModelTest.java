package io.github.diffusion4j.models.scenes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenesModelTest {

    @Test
    void extractsEveryFile(@TempDir Path dir) throws Exception {
        Path root = ScenesModel.extractTo(dir.resolve("scenes"));
        for (String file : ScenesModel.FILES) {
            assertThat(root.resolve(file)).as(file).isRegularFile();
            assertThat(Files.size(root.resolve(file))).as(file).isPositive();
        }
        assertThat(Files.readString(root.resolve("model_index.json"))).contains("StableDiffusionPipeline");
        assertThat(Files.readString(root.resolve("tokenizer/merges.txt"))).startsWith("#version: 0.2");
        assertThat(Files.readString(root.resolve("vae_decoder/config.json"))).contains("scaling_factor");
    }

    @Test
    void resourceRootIsTheClassPathFolder() {
        assertThat(ScenesModel.resourceRoot()).isEqualTo("META-INF/diffusion4j/models/scenes");
        assertThat(ScenesModel.class.getClassLoader().getResource(ScenesModel.RESOURCE_ROOT + "/model_index.json"))
                .isNotNull();
    }
}

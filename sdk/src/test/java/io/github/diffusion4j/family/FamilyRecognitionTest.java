package io.github.diffusion4j.family;

import io.github.diffusion4j.model.ExecutionProvider;
import io.github.diffusion4j.model.ModelContractException;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Family recognition from model_index.json and the graphs, and the per-layout defaults it brings. */
class FamilyRecognitionTest {

    @Test
    void everyStableDiffusionVariantIsTheSdFamily() {
        for (String name : new String[] {"sd-legacy", "optimum-new", "optimum-old", "fp16", "sd2-v-prediction"}) {
            try (DiffusionPipeline p = TestModels.pipeline(name)) {
                assertThat(p.info().family()).as(name).isEqualTo("sd");
                assertThat(p.info().familyName()).as(name).isEqualTo("Stable Diffusion 1.x/2.x");
            }
        }
    }

    @Test
    void theLegacyOnnxLayoutDefaultsToNumpyNoiseAsItsReferencePipeline() {
        // diffusers' OnnxStableDiffusionPipeline draws np.random.RandomState noise; optimum's pipelines torch.randn
        try (DiffusionPipeline legacy = TestModels.pipeline("sd-legacy");
             DiffusionPipeline optimum = TestModels.pipeline("optimum-new")) {
            assertThat(legacy.descriptor().defaultNoise()).isEqualTo(NoiseSource.NUMPY);
            assertThat(optimum.descriptor().defaultNoise()).isEqualTo(NoiseSource.TORCH);
            GenerationRequest request = GenerationRequest.builder("a red circle").size(64, 64).steps(2).seed(3L).build();
            GenerationResult byDefault = legacy.generateBlocking(request);
            assertThat(byDefault.image().metadata().noiseSource()).isEqualTo("numpy");
            GenerationResult numpy = legacy.generateBlocking(request.toBuilder().noiseSource(NoiseSource.NUMPY).build());
            GenerationResult torch = legacy.generateBlocking(request.toBuilder().noiseSource(NoiseSource.TORCH).build());
            assertThat(byDefault.image().png()).isEqualTo(numpy.image().png()).isNotEqualTo(torch.image().png());
            assertThat(torch.image().metadata().noiseSource()).isEqualTo("torch");
        }
    }

    @Test
    void aFamilyThatCannotRunYetIsRefusedByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"KandinskyV22Pipeline\"}");
        for (String component : new String[] {"transformer", "vae_decoder"}) {
            Files.createDirectories(dir.resolve(component));
            Files.writeString(dir.resolve(component).resolve("model.onnx"), "not a graph");
        }
        assertThatThrownBy(() -> DiffusionPipeline.builder(dir).provider(ExecutionProvider.CPU).build())
                .isInstanceOf(ModelContractException.class)
                .hasMessageContaining("is a Kandinsky model (model_index.json _class_name KandinskyV22Pipeline)")
                .hasMessageContaining("Supported: flux (FLUX.1), sd3 (Stable Diffusion 3), sdxl (Stable Diffusion XL),"
                        + " lcm (Latent Consistency Model (SD)), sd (Stable Diffusion 1.x/2.x)");
        Files.writeString(dir.resolve("model_index.json"), "{\"_class_name\": \"StableCascadeCombinedPipeline\"}");
        assertThatThrownBy(() -> DiffusionPipeline.builder(dir).provider(ExecutionProvider.CPU).build())
                .hasMessageContaining("is a Stable Cascade model");
    }
}

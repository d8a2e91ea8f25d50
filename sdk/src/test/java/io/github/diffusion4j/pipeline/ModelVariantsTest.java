package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.A1111Samplers;
import io.github.diffusion4j.image.Images;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Every export variant of tools/models loads, reports its contract, generates end to end and encodes an image. */
class ModelVariantsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // folder, layout, precision, image side, timestep contract, default scheduler
            "sd-legacy,           diffusers-onnx, fp32, 512, 'timestep: float[-1]', pndm",
            "optimum-new,         optimum,        fp32, 64,  'timestep: float[]',   pndm",
            "optimum-old,         optimum-legacy, fp32, 64,  'timestep: int64[-1]', pndm",
            "fp16,                optimum,        fp16, 64,  'timestep: float16[]', pndm",
            "external-weights,    optimum,        fp32, 64,  'timestep: float[]',   pndm",
            "external-weights-pb, diffusers-onnx, fp32, 512, 'timestep: float[-1]', pndm",
            "sd2-v-prediction,    optimum,        fp32, 96,  'timestep: float[]',   ddim",
            "sd-turbo,            optimum,        fp32, 64,  'timestep: float[]',   euler",
            "static-batch,        optimum,        fp32, 64,  'timestep: float[]',   pndm",
    })
    void loadsAndGenerates(String folder, String layout, String precision, int side, String timestep, String scheduler)
            throws Exception {
        try (DiffusionPipeline pipeline = TestModels.pipeline(folder)) {
            ModelInfo info = pipeline.info();
            assertThat(info.layout()).isEqualTo(layout);
            assertThat(info.precision()).isEqualTo(precision);
            assertThat(info.defaultWidth()).isEqualTo(side);
            assertThat(info.defaultScheduler()).isEqualTo(scheduler);
            assertThat(info.contract().get("unet/model.onnx")).contains(timestep);
            assertThat(info.provider()).isEqualTo("cpu");

            // the hash is computed in the background from the load on: wait for it, so that this image carries it
            String modelHash = pipeline.modelHash().get(60, java.util.concurrent.TimeUnit.SECONDS);
            GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder("a red circle")
                    .negativePrompt("blurry").size(64, 64).steps(3).guidanceScale(5.0).seed(7L).build());
            GeneratedImage image = result.image();
            assertThat(image.image().getWidth()).isEqualTo(64);
            assertThat(image.image().getHeight()).isEqualTo(64);
            assertThat(result.seed()).isEqualTo(7L);
            byte[] png = image.png();
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(decoded.getWidth()).isEqualTo(64);
            assertThat(Images.readParameters(png))
                    .startsWith("a red circle\nNegative prompt: blurry\nSteps: 3, Sampler: " + A1111Samplers.toA1111(scheduler) + ", CFG scale: 5, Seed: 7, Size: 64x64, Model hash: " + modelHash + ", Model: " + folder);

            float[] latents = pipeline.encodeImage(image.image());
            assertThat(latents).hasSize(4 * 8 * 8);
            for (float v : latents) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }
}

package io.github.diffusion4j.family;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.diffusion4j.noise.NoiseSource;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.GenerationResult;
import io.github.diffusion4j.pipeline.InitImage;
import io.github.diffusion4j.pipeline.TestModels;
import io.github.diffusion4j.scheduler.Schedulers;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Image-to-image and inpainting against diffusers' own pipelines ({@code StableDiffusionImg2ImgPipeline},
 * {@code StableDiffusionInpaintPipeline} with a 9-channel UNet and with a 4-channel one, {@code
 * StableDiffusionXLImg2ImgPipeline}), recorded by {@code tools/goldens/edit_goldens.py}: the strength cut, the VAE
 * posterior sample and noise in diffusers' generator order, every step's latents, the image; the inpainting cases
 * with {@code mask_blur} had their mask through {@code VaeImageProcessor.blur} (Pillow's GaussianBlur) first, those
 * with {@code padding_mask_crop} ran on the crop region of a larger picture and compare the pasted-back full picture.
 */
class EditGoldenTest {

    static Stream<Path> cases() throws IOException {
        return GoldenFiles.cases(golden -> golden.get("request").has("strength"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesDiffusers(Path file) throws IOException {
        JsonNode golden = GoldenFiles.JSON.readTree(file.toFile());
        JsonNode req = golden.get("request");
        try (DiffusionPipeline pipeline = TestModels.pipeline(golden.get("fixture").asText())) {
            BufferedImage init = rgb(golden.get("tensors").get("init_image_uint8"));
            BufferedImage mask = golden.get("tensors").has("mask_uint8") ? gray(golden.get("tensors").get("mask_uint8")) : null;
            // diffusers returns the whole decoded image: compare without compositing
            InitImage edit = new InitImage(init, mask, req.get("strength").asDouble(), InitImage.LatentSampling.SAMPLE, false);
            if (req.has("mask_blur")) {
                // diffusers got mask_processor.blur(mask, blur_factor); the file keeps the unblurred mask
                edit = edit.withMaskBlur(req.get("mask_blur").asInt());
            }
            if (req.has("padding_mask_crop")) {
                // diffusers crops, inpaints the region at width x height and pastes it back (apply_overlay): the
                // image compared below is the full init-sized picture
                edit = edit.withPaddingMaskCrop(req.get("padding_mask_crop").asInt());
            }
            GenerationRequest request = GenerationRequest.builder(req.get("prompt").asText())
                    .negativePrompt(GoldenFiles.text(req, "negative_prompt"))
                    .size(req.get("width").asInt(), req.get("height").asInt()).steps(req.get("steps").asInt())
                    .guidanceScale(req.get("guidance").asDouble()).seed(req.get("seed").asLong())
                    .scheduler(Schedulers.nameForClass(req.get("schedulerClass").asText()).orElseThrow())
                    .noiseSource(NoiseSource.TORCH).initImage(edit).includeLatents(true).previewInterval(0)
                    .promptWeighting(false).longPrompts(false).build();
            List<GenerationEvent> events = pipeline.generate(request).collect().asList().await()
                    .atMost(Duration.ofSeconds(60));
            List<GenerationEvent.Step> steps = events.stream().filter(GenerationEvent.Step.class::isInstance)
                    .map(GenerationEvent.Step.class::cast).toList();
            float[] stepTimesteps = GoldenFiles.floats(golden, "step_timesteps");
            float[] stepLatents = GoldenFiles.floats(golden, "step_latents");
            // diffusers' callback runs after every evaluation; our step events after every user-visible step (PNDM's
            // PLMS warm-up evaluation completes none), so each event is compared with the evaluation it follows
            int n = stepLatents.length / stepTimesteps.length;
            assertThat(steps).as("steps after the strength cut").isNotEmpty();
            assertThat(steps.get(steps.size() - 1).evaluations()).as("evaluations").isEqualTo(stepTimesteps.length);
            for (GenerationEvent.Step step : steps) {
                int e = step.evaluations() - 1;
                assertThat(step.timestep()).as("timestep of evaluation %d", e).isCloseTo(stepTimesteps[e], Offset.offset(1e-3));
                GoldenFiles.assertClose(step.latents(), GoldenFiles.slice(stepLatents, e * n, n),
                        "latents after evaluation " + (e + 1));
            }
            GenerationResult result = ((GenerationEvent.Completed) events.get(events.size() - 1)).result();
            if (golden.has("unetCallTimesteps")) {
                assertThat(result.unetRuns()).as("UNet calls").isEqualTo(golden.get("unetCallTimesteps").size());
            }
            GoldenFiles.checkImage(result.image().image(), golden);
        }
    }

    @Test
    void compositingKeepsTheUnmaskedPixels() throws IOException {
        JsonNode golden = GoldenFiles.JSON.readTree(
                Path.of("src/test/resources/goldens/optimum-new/inpaint4_blend_euler_strength1_0.json").toFile());
        BufferedImage init = rgb(golden.get("tensors").get("init_image_uint8"));
        BufferedImage mask = gray(golden.get("tensors").get("mask_uint8"));
        try (DiffusionPipeline pipeline = TestModels.pipeline("optimum-new")) {
            GenerationRequest request = GenerationRequest.builder("a red circle").size(64, 64).steps(3).seed(1L)
                    .initImage(InitImage.inpaint(init, mask, 1.0)).build();
            BufferedImage out = pipeline.generateBlocking(request).image().image();
            int kept = 0;
            int changed = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    if (mask.getRaster().getSample(x, y, 0) < 128) {
                        assertThat(out.getRGB(x, y)).as("unmasked pixel %d,%d", x, y).isEqualTo(init.getRGB(x, y));
                        kept++;
                    } else if (out.getRGB(x, y) != init.getRGB(x, y)) {
                        changed++;
                    }
                }
            }
            assertThat(kept).isPositive();
            assertThat(changed).as("repainted pixels").isPositive();
        }
    }

    @Test
    void maskBlurIsValidatedAndWrittenAsA1111sMaskBlur() throws IOException {
        JsonNode golden = GoldenFiles.JSON.readTree(
                Path.of("src/test/resources/goldens/optimum-new/inpaint4_blend_euler_strength1_0.json").toFile());
        BufferedImage init = rgb(golden.get("tensors").get("init_image_uint8"));
        BufferedImage mask = gray(golden.get("tensors").get("mask_uint8"));
        InitImage inpaint = InitImage.inpaint(init, mask, 1.0);
        assertThatThrownBy(() -> inpaint.withMaskBlur(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maskBlur").hasMessageContaining(">= 0");
        assertThatThrownBy(() -> inpaint.withPaddingMaskCrop(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("paddingMaskCrop").hasMessageContaining(">= 0");
        assertThatThrownBy(() -> InitImage.of(init, 0.5).withPaddingMaskCrop(8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("paddingMaskCrop needs a mask");
        BufferedImage black = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        assertThatThrownBy(() -> GenerationRequest.builder("x").initImage(InitImage.inpaint(init, black, 1.0)
                .withPaddingMaskCrop(8)).build()).hasMessageContaining("mask").hasMessageContaining("paddingMaskCrop");
        try (DiffusionPipeline pipeline = TestModels.pipeline("optimum-new")) {
            GenerationRequest.Builder request = GenerationRequest.builder("a red circle").size(64, 64).steps(2).seed(1L);
            String blurred = pipeline.generateBlocking(request.initImage(inpaint.withMaskBlur(4)).build()).image()
                    .metadata().toA1111Parameters();
            assertThat(blurred).contains("Denoising strength: 1, RNG: ").endsWith(", Mask blur: 4");
            String sharp = pipeline.generateBlocking(request.initImage(inpaint).build()).image().metadata()
                    .toA1111Parameters();
            assertThat(sharp).doesNotContain("Mask blur");
        }
    }

    private static BufferedImage rgb(JsonNode t) {
        int h = t.get("shape").get(0).asInt();
        int w = t.get("shape").get(1).asInt();
        JsonNode d = t.get("data");
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                img.setRGB(x, y, (d.get(i).asInt() << 16) | (d.get(i + 1).asInt() << 8) | d.get(i + 2).asInt());
            }
        }
        return img;
    }

    private static BufferedImage gray(JsonNode t) {
        int h = t.get("shape").get(0).asInt();
        int w = t.get("shape").get(1).asInt();
        JsonNode d = t.get("data");
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, d.get(y * w + x).asInt());
            }
        }
        return img;
    }
}

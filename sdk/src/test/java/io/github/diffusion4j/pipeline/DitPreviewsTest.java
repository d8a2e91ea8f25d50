package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.LatentPreviewer;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SD3 and FLUX.1 previews use the published 16-channel latent-to-RGB tables (ComfyUI comfy/latent_formats.py, classes
 * SD3 and Flux), not a fit to the VAE, and the step stream carries them.
 */
class DitPreviewsTest {

    /** One latent pixel with channel {@code c} at 1, the others 0: its colour is the table's row c plus the bias. */
    private static int rgbOfChannel(LatentPreviewer previewer, int c) {
        float[] latent = new float[16];
        latent[c] = 1f;
        BufferedImage image = previewer.render(latent, 0, 1, 1);
        return image.getRGB(0, 0) & 0xFFFFFF;
    }

    private static int rgb(double r, double g, double b) {
        return (byteOf(r) << 16) | (byteOf(g) << 8) | byteOf(b);
    }

    private static int byteOf(double v) {
        return (int) (Math.min(Math.max((v + 1) * 127.5, 0), 255) + 0.5);
    }

    @Test
    void fluxAndSd3UseThePublishedTables() {
        try (DiffusionPipeline flux = TestModels.pipeline("flux-schnell");
             DiffusionPipeline sd3 = TestModels.pipeline("sd3")) {
            LatentPreviewer f = Previews.forModel(flux.model());
            LatentPreviewer s = Previews.forModel(sd3.model());
            assertThat(f.channels()).isEqualTo(16);
            // Flux row 0 (-0.0346, 0.0244, 0.0681) + bias (-0.0329, -0.0718, -0.0851)
            assertThat(rgbOfChannel(f, 0)).isEqualTo(rgb(-0.0346 - 0.0329, 0.0244 - 0.0718, 0.0681 - 0.0851));
            // Flux row 15 (-0.1262, -0.0982, -0.0778)
            assertThat(rgbOfChannel(f, 15)).isEqualTo(rgb(-0.1262 - 0.0329, -0.0982 - 0.0718, -0.0778 - 0.0851));
            // SD3 row 2 (0.1994, 0.0927, 0.0458) + bias (0.2394, 0.2135, 0.1925)
            assertThat(rgbOfChannel(s, 2)).isEqualTo(rgb(0.1994 + 0.2394, 0.0927 + 0.2135, 0.0458 + 0.1925));
        }
    }

    @Test
    void fluxStepsCarryPreviews() {
        try (DiffusionPipeline flux = TestModels.pipeline("flux-dev")) {
            List<GenerationEvent> events = flux.generate(GenerationRequest.builder("a red fox").size(64, 48).steps(2)
                    .seed(1L).maxSequenceLength(16).previewInterval(1).build()).collect().asList().await()
                    .atMost(Duration.ofSeconds(60));
            List<GenerationEvent.Step> steps = events.stream().filter(GenerationEvent.Step.class::isInstance)
                    .map(GenerationEvent.Step.class::cast).toList();
            assertThat(steps).hasSize(2).allSatisfy(step -> {
                assertThat(step.preview()).isNotNull();
                BufferedImage image = step.preview().image();
                assertThat(image.getWidth()).isEqualTo(8);
                assertThat(image.getHeight()).isEqualTo(6);
            });
        }
    }

    /** The fallback of a VAE that cannot be fitted: every channel weighs the same, so a latent pixel shows as grey. */
    @Test
    void theNeutralPreviewerShowsTheChannelsMeanInGrey() {
        LatentPreviewer neutral = Previews.neutral(4);
        assertThat(neutral.channels()).isEqualTo(4);
        BufferedImage image = neutral.render(new float[] {0.8f, 0.4f, 0.4f, 0.4f}, 0, 1, 1);
        int rgb = image.getRGB(0, 0) & 0xFFFFFF;
        assertThat(rgb).isEqualTo(rgb(0.5, 0.5, 0.5));
    }
}

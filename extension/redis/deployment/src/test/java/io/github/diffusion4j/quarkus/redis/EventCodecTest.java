package io.github.diffusion4j.quarkus.redis;

import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.InitImage;
import io.github.diffusion4j.noise.NoiseSource;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.assertj.core.api.Assertions.assertThat;

/** What crosses nodes comes back as it was sent: requests, including image-to-image inputs pixel for pixel. */
class EventCodecTest {

    @Test
    void aRequestWithAnInitImageAndMaskRoundTripsPixelForPixel() {
        BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        BufferedImage mask = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                image.setRGB(x, y, (x * 16) << 16 | (y * 32) << 8 | (x + y));
                mask.setRGB(x, y, x < 8 ? 0xFFFFFF : 0);
            }
        }
        GenerationRequest sent = GenerationRequest.builder("a fox").negativePrompt("blur").steps(7).seed(42L)
                .noiseSource(NoiseSource.NUMPY).initImage(InitImage.inpaint(image, mask, 0.6)).build();

        GenerationRequest got = EventCodec.request(EventCodec.json(sent));

        assertThat(got.prompt()).isEqualTo("a fox");
        assertThat(got.negativePrompt()).isEqualTo("blur");
        assertThat(got.steps()).isEqualTo(7);
        assertThat(got.seed()).isEqualTo(42L);
        assertThat(got.noiseSource()).isEqualTo(NoiseSource.NUMPY);
        assertThat(got.initImage().strength()).isEqualTo(0.6);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                assertThat(got.initImage().image().getRGB(x, y)).isEqualTo(image.getRGB(x, y));
                assertThat(got.initImage().mask().getRGB(x, y)).isEqualTo(mask.getRGB(x, y));
            }
        }
    }

    @Test
    void aTextToImageRequestRoundTrips() {
        GenerationRequest sent = GenerationRequest.builder("x").width(64).height(64).scheduler("euler").build();
        GenerationRequest got = EventCodec.request(EventCodec.json(sent));
        assertThat(got.width()).isEqualTo(64);
        assertThat(got.scheduler()).isEqualTo("euler");
        assertThat(got.initImage()).isNull();
    }
}

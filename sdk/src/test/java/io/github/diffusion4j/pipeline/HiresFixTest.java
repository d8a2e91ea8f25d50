package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.model.DirectTensor;
import io.github.diffusion4j.model.ExecutionProvider;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hires fix: validation of every field, the event stream of both passes, cancel in the second pass, metadata. */
class HiresFixTest {

    static DiffusionPipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = TestModels.pipeline("optimum-new");
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    @Test
    void everyFieldIsCheckedByName() {
        assertThatThrownBy(() -> HiresFix.scale(0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hires.scale must be between 1 and 4, got 0.5");
        assertThatThrownBy(() -> HiresFix.scale(Double.NaN)).hasMessageContaining("hires.scale");
        assertThatThrownBy(() -> HiresFix.scale(2).withStrength(0)).hasMessageContaining("hires.strength must be in (0, 1]");
        assertThatThrownBy(() -> HiresFix.scale(2).withStrength(1.5)).hasMessageContaining("hires.strength");
        assertThatThrownBy(() -> HiresFix.scale(2).withSteps(-1)).hasMessageContaining("hires.steps must be between 0");
        assertThatThrownBy(() -> HiresFix.resize(100, 128)).hasMessageContaining("hires.width must be a positive multiple of 8");
        assertThatThrownBy(() -> HiresFix.resize(128, 0)).hasMessageContaining("hires.height");
        InvalidRequestException e = (InvalidRequestException) org.assertj.core.api.Assertions.catchThrowable(
                () -> new HiresFix(9, 12, 4, null, 2, 5000, null));
        assertThat(e.violations()).extracting(Violation::field)
                .containsExactly("hires.scale", "hires.width", "hires.height", "hires.strength", "hires.steps");
        assertThat(HiresFix.Upscaler.parse("Latent (nearest)")).contains(HiresFix.Upscaler.LATENT_NEAREST);
        assertThat(HiresFix.Upscaler.parse("latent")).contains(HiresFix.Upscaler.LATENT);
        assertThat(HiresFix.Upscaler.parse("ESRGAN_4x")).isEmpty();
    }

    @Test
    void theTargetIsCheckedAgainstTheModel() {
        // optimum-new: size multiple 16, limits 2048; the base 64x64
        GenerationRequest.Builder base = GenerationRequest.builder("x").size(64, 64).steps(4);
        assertThat(pipeline.validate(base.hires(HiresFix.scale(1.5)).build())).isEmpty();
        assertThat(pipeline.validate(base.hires(HiresFix.resize(4096, 64)).build())).singleElement()
                .satisfies(v -> assertThat(v.message()).startsWith("hires.width gives a hires width of 4096")
                        .contains("size multiple 16); it must be between 16 and 2048"));
        assertThat(pipeline.validate(base.hires(HiresFix.scale(2).withSteps(2).withStrength(0.2)).build()))
                .singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("hires.strength"));
        assertThat(pipeline.validate(base.hires(HiresFix.scale(2).withScheduler("warp-drive")).build()))
                .extracting(Violation::field).containsExactly("hires.scheduler");
        assertThat(pipeline.validate(base.hires(HiresFix.scale(2).withSteps(5000 / 5)).build())).isEmpty();
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        assertThatThrownBy(() -> GenerationRequest.builder("x").initImage(InitImage.of(image, 0.5))
                .hires(HiresFix.scale(2)).build()).hasMessageContaining("hires fix applies to text-to-image only");
    }

    @Test
    void oneStreamWithBothPassesAndContinuousProgress() throws Exception {
        // the hash is computed in the background: wait for it so that the infotext below is deterministic
        String modelHash = pipeline.modelHash().get(60, java.util.concurrent.TimeUnit.SECONDS);
        GenerationRequest request = GenerationRequest.builder("a red circle").size(64, 48).steps(4).seed(3L)
                .scheduler("euler").hires(new HiresFix(1.5, null, null, HiresFix.Upscaler.LATENT_NEAREST, 0.5, 6, null))
                .previewInterval(1).build();
        List<GenerationEvent> events = pipeline.generate(request).collect().asList().await().atMost(Duration.ofSeconds(60));
        GenerationEvent.Started started = (GenerationEvent.Started) events.get(0);
        assertThat(started.task()).isEqualTo("hires");
        assertThat(started.width()).isEqualTo(96);
        assertThat(started.height()).as("48 × 1.5 = 72, rounded down to the size multiple 16").isEqualTo(64);
        assertThat(started.steps()).isEqualTo(4 + 3);
        List<GenerationEvent.Step> steps = events.stream().filter(GenerationEvent.Step.class::isInstance)
                .map(GenerationEvent.Step.class::cast).toList();
        assertThat(steps).extracting(GenerationEvent.Step::index).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(steps).extracting(GenerationEvent.Step::phase)
                .containsExactly("txt2img", "txt2img", "txt2img", "txt2img", "hires", "hires", "hires");
        assertThat(steps.get(6).progress()).isEqualTo(1.0);
        // previews follow each pass's latent grid
        assertThat(steps.get(0).preview().width()).isEqualTo(8);
        assertThat(steps.get(6).preview().width()).isEqualTo(12);
        GenerationResult result = ((GenerationEvent.Completed) events.get(events.size() - 1)).result();
        assertThat(result.image().image().getWidth()).isEqualTo(96);
        assertThat(result.image().image().getHeight()).isEqualTo(64);
        ImageMetadata meta = result.image().metadata();
        assertThat(meta.toA1111Parameters()).endsWith("Steps: 4, Sampler: Euler, CFG scale: 7.5, Seed: 3, Size: 64x48,"
                + " Model hash: " + modelHash + ", Model: optimum-new, Denoising strength: 0.5, RNG: torch, Hires upscale: 1.5, Hires steps: 6,"
                + " Hires upscaler: Latent (nearest)");
        ImageMetadata back = ImageMetadata.fromA1111Parameters(meta.toA1111Parameters());
        assertThat(back).isEqualTo(meta);
        assertThat(back.hires().toHiresFix(back.denoisingStrength())).contains(request.hires());
    }

    /** The second pass is the family's own img2img (SDXL time ids at the target size, flow matching's scale_noise). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sdxl-base", "sd3", "flux-schnell"})
    void everyFamilyRunsBothPasses(String fixture) {
        // the second pass of a 512² fixture is 1024²: over the default memory budget (one 768² image), so raised here
        try (DiffusionPipeline family = DiffusionPipeline.builder(TestModels.model(fixture))
                .provider(ExecutionProvider.CPU).cpuThreads(1)
                .limits(Limits.DEFAULT.withBudgets(4L * 1024 * 1024, 1L << 30)).build()) {
            int w = family.descriptor().defaultWidth();
            int h = family.descriptor().defaultHeight();
            GenerationRequest request = GenerationRequest.builder("a red circle").steps(4).seed(2L)
                    .hires(HiresFix.scale(2).withStrength(0.5).withUpscaler(HiresFix.Upscaler.LATENT_BICUBIC)).build();
            List<GenerationEvent> events = family.generate(request).collect().asList().await()
                    .atMost(Duration.ofSeconds(120));
            assertThat(events.stream().filter(GenerationEvent.Step.class::isInstance)
                    .map(e -> ((GenerationEvent.Step) e).phase()).distinct()).containsExactly("txt2img", "hires");
            GenerationResult result = ((GenerationEvent.Completed) events.get(events.size() - 1)).result();
            assertThat(result.image().image().getWidth()).isEqualTo(2 * w);
            assertThat(result.image().image().getHeight()).isEqualTo(2 * h);
            assertThat(result.image().metadata().toA1111Parameters()).contains("Size: " + w + "x" + h,
                    "Hires upscale: 2", "Hires upscaler: Latent (bicubic)");
        }
    }

    @Test
    void cancelInTheSecondPassStopsWithinAStep() throws Exception {
        int before = DirectTensor.openTensors();
        CountDownLatch hiresStep = new CountDownLatch(1);
        AtomicInteger hiresSteps = new AtomicInteger();
        AssertSubscriber<GenerationEvent> sub = pipeline.generate(GenerationRequest.builder("x").size(64, 64).steps(2)
                        .seed(1L).scheduler("euler").hires(HiresFix.scale(4).withSteps(400).withStrength(1)).build())
                .onItem().invoke(e -> {
                    if (e instanceof GenerationEvent.Step s && s.phase().equals("hires")) {
                        hiresSteps.incrementAndGet();
                        hiresStep.countDown();
                    }
                })
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        assertThat(hiresStep.await(60, TimeUnit.SECONDS)).isTrue();
        sub.cancel();
        int atCancel = hiresSteps.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (DirectTensor.openTensors() != before && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(DirectTensor.openTensors()).as("tensors still open after cancel").isEqualTo(before);
        assertThat(hiresSteps.get()).isLessThanOrEqualTo(atCancel + 1).isLessThan(400);
        assertThat(sub.getItems()).noneMatch(GenerationEvent.Completed.class::isInstance);
    }

    @Test
    void latentUpscalersAgreeWithTorchOnSmallGrids() {
        // torch 1.13: torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=(s, s), mode=m)
        float[] in = {0, 1, 2, 3};
        assertThat(LatentResize.resize(in, 1, 2, 2, 3, 3, HiresFix.Upscaler.LATENT_NEAREST))
                .containsExactly(0, 0, 1, 0, 0, 1, 2, 2, 3);
        assertThat(LatentResize.resize(in, 1, 2, 2, 3, 3, HiresFix.Upscaler.LATENT))
                .usingComparatorWithPrecision(1e-6f)
                .containsExactly(0f, 0.5f, 1f, 1f, 1.5f, 2f, 2f, 2.5f, 3f);
        assertThat(LatentResize.resize(in, 1, 2, 2, 4, 4, HiresFix.Upscaler.LATENT_BICUBIC))
                .usingComparatorWithPrecision(1e-5f)
                .containsExactly(-0.31640625f, 0.015625f, 0.5625f, 0.89453125f, 0.34765625f, 0.6796875f, 1.2265625f,
                        1.55859375f, 1.44140625f, 1.7734375f, 2.3203125f, 2.65234375f, 2.10546875f, 2.4375f, 2.984375f,
                        3.31640625f);
    }

    @Test
    void pixelUpscalersArePillowsResize() {
        // /usr/bin/python3 (Pillow 9.4.0): a = (np.arange(60).reshape(4, 5, 3) * 37 % 256).astype(np.uint8);
        // Image.fromarray(a, "RGB").resize(size, resample=BICUBIC | LANCZOS), pixels as 0xRRGGBB
        int[] source = {9546, 7312569, 14549800, 5075607, 12378374, 2838645, 10141668, 601683, 7904706, 15141937,
                5667744, 12970511, 3430782, 10733805, 1193820, 8496843, 15734074, 6259881, 13562648, 4022919};
        BufferedImage image = io.github.diffusion4j.image.Images.fromRgb(source, 5, 4);
        assertThat(rgb(PixelResize.resize(image, 3, 2, HiresFix.Upscaler.BICUBIC)))
                .containsExactly(4747657, 7494013, 10123871, 9930620, 8359288, 7045756);
        assertThat(rgb(PixelResize.resize(image, 3, 2, HiresFix.Upscaler.LANCZOS)))
                .containsExactly(4748164, 7429766, 9925983, 9929851, 8623222, 6914433);
        int[] bicubicUp = rgb(PixelResize.resize(image, 7, 9, HiresFix.Upscaler.BICUBIC));
        assertThat(bicubicUp).hasSize(63).startsWith(6976, 3238286, 9990807, 15859748, 7161214, 7254363, 12516352)
                .endsWith(6523053, 12446502, 10141492, 3759762);
        int[] lanczosUp = rgb(PixelResize.resize(image, 7, 9, HiresFix.Upscaler.LANCZOS));
        assertThat(lanczosUp).startsWith(5178, 2322060, 11498637, 16646180, 7483520, 6406750, 12254976)
                .endsWith(6523053, 12516377, 10730279, 4151452);
    }

    private static int[] rgb(BufferedImage image) {
        int[] out = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xFFFFFF;
        }
        return out;
    }
}

package io.github.diffusion4j.model;

import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationEvent;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.ModelInfo;
import io.github.diffusion4j.pipeline.TestModels;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-component providers and unload-after-use, counted in session opens and closes. */
class ComponentOptionsTest {

    private static DiffusionPipeline.Builder flux(String component, ComponentOptions options) {
        return DiffusionPipeline.builder(TestModels.model("flux-schnell")).provider(ExecutionProvider.CPU).cpuThreads(1)
                .component(component, options);
    }

    private static GenerationRequest request() {
        return GenerationRequest.builder("a red fox").size(64, 64).steps(2).seed(3L).maxSequenceLength(16)
                .previewInterval(0).build();
    }

    @Test
    void unloadAfterUseClosesTheT5AfterEncodingAndReopensItForTheNextRequest() {
        try (DiffusionPipeline pipeline = flux("text_encoder_2", new ComponentOptions(ExecutionProvider.CPU, true))
                .build()) {
            ComponentSession t5 = pipeline.model().component("text_encoder_2").orElseThrow();
            ComponentSession transformer = pipeline.model().component("transformer").orElseThrow();
            // opened at load to read its contract, then released
            assertThat(t5.opens()).isEqualTo(1);
            assertThat(t5.closes()).isEqualTo(1);
            assertThat(t5.isOpen()).isFalse();
            pipeline.generateBlocking(request());
            assertThat(t5.opens()).as("opens after one request").isEqualTo(2);
            assertThat(t5.closes()).as("closes after one request").isEqualTo(2);
            pipeline.generateBlocking(request());
            assertThat(t5.opens()).isEqualTo(3);
            assertThat(t5.closes()).isEqualTo(3);
            assertThat(t5.isOpen()).isFalse();
            // the others are held from load to close
            assertThat(transformer.opens()).isEqualTo(1);
            assertThat(transformer.closes()).isZero();
            assertThat(transformer.isOpen()).isTrue();
        }
    }

    @Test
    void withoutUnloadEverySessionIsOpenedOnce() {
        try (DiffusionPipeline pipeline = TestModels.pipeline("flux-schnell")) {
            pipeline.generateBlocking(request());
            pipeline.generateBlocking(request());
            for (ComponentSession s : pipeline.model().components()) {
                assertThat(s.opens()).as(s.component()).isEqualTo(1);
                assertThat(s.closes()).as(s.component()).isZero();
            }
        }
    }

    @Test
    void eachComponentsProviderAndLoadTimeAreReported() {
        try (DiffusionPipeline pipeline = flux("text_encoder_2", new ComponentOptions(ExecutionProvider.AUTO, true))
                .build()) {
            assertThat(pipeline.info().components()).extracting(ModelInfo.Component::name)
                    .containsExactlyInAnyOrder("transformer", "text_encoder", "text_encoder_2", "vae_decoder");
            for (ModelInfo.Component c : pipeline.info().components()) {
                assertThat(c.provider()).as(c.name()).isEqualTo("cpu");
                assertThat(c.loadTime()).as(c.name()).isPositive();
                assertThat(c.unloadAfterUse()).as(c.name()).isEqualTo(c.name().equals("text_encoder_2"));
            }
        }
    }

    @Test
    void cudaForOneComponentWithoutCudaIsAClearLoadErrorAndAutoFallsBack() {
        Assumptions.assumeTrue(SessionFactory.missingCudaDriver().isPresent(), "this machine has the NVIDIA driver");
        int before = DirectTensor.openTensors();
        assertThatThrownBy(() -> flux("transformer", new ComponentOptions(ExecutionProvider.CUDA, false)).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("components.transformer.provider=cuda")
                .hasMessageContaining("The CUDA execution provider could not be loaded");
        assertThat(DirectTensor.openTensors()).isEqualTo(before);
        try (DiffusionPipeline pipeline = flux("transformer", new ComponentOptions(ExecutionProvider.AUTO, false))
                .build()) {
            assertThat(pipeline.model().component("transformer").orElseThrow().provider()).isEqualTo("cpu");
        }
    }

    @Test
    void unknownOrAbsentComponentsAreNamed() {
        assertThatThrownBy(() -> flux("text_encoder_9", ComponentOptions.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown component 'text_encoder_9'");
        assertThatThrownBy(() -> flux("text_encoder_3", new ComponentOptions(null, true)).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("components.text_encoder_3 is configured but")
                .hasMessageContaining("has no text_encoder_3/model.onnx");
    }

    @Test
    void aCancelledGenerationReleasesItsUnloadAfterUseTransformer() throws Exception {
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(TestModels.model("bench"))
                .provider(ExecutionProvider.CPU).cpuThreads(1).component("unet", new ComponentOptions(null, true))
                .build()) {
            ComponentSession unet = pipeline.model().component("unet").orElseThrow();
            CountDownLatch firstStep = new CountDownLatch(1);
            AssertSubscriber<GenerationEvent> sub = pipeline.generate(GenerationRequest.builder("a blue square")
                            .steps(200).scheduler("euler").seed(1L).guidanceScale(7.5).build())
                    .onItem().invoke(e -> {
                        if (e instanceof GenerationEvent.Step) {
                            firstStep.countDown();
                        }
                    })
                    .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
            assertThat(firstStep.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(unet.isOpen()).as("open during its stage").isTrue();
            sub.cancel();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (unet.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(unet.isOpen()).as("released after the cancelled stage").isFalse();
            assertThat(unet.closes()).isEqualTo(unet.opens());
        }
    }
}

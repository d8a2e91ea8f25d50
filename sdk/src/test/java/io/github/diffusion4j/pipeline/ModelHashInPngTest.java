package io.github.diffusion4j.pipeline;

import io.github.diffusion4j.image.Images;
import io.github.diffusion4j.image.ModelHash;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline hashes its model once, in the background, and writes A1111's {@code Model hash} into each PNG. */
class ModelHashInPngTest {

    private static GenerationRequest request() {
        return GenerationRequest.builder("a small red circle").steps(2).seed(7L).guidanceScale(7.0).build();
    }

    @Test
    void pngParametersCarryTheModelHashOnceComputed() throws Exception {
        try (DiffusionPipeline pipeline = TestModels.pipeline("optimum-new")) {
            String expected = ModelHash.shortHash(TestModels.model("optimum-new"));
            assertThat(pipeline.modelHash().get(60, TimeUnit.SECONDS)).isEqualTo(expected);

            GeneratedImage image = pipeline.generateBlocking(request()).image();
            assertThat(image.metadata().modelHash()).isEqualTo(expected);
            String parameters = Images.readParameters(image.png());
            assertThat(parameters).contains("Model hash: " + expected + ", Model: optimum-new");
            assertThat(ImageMetadata.fromA1111Parameters(parameters).modelHash()).isEqualTo(expected);
        }
    }

    @Test
    void aTransformerModelIsHashedByItsTransformerWeights() throws Exception {
        try (DiffusionPipeline pipeline = TestModels.pipeline("sd3")) {
            assertThat(pipeline.modelHash().get(60, TimeUnit.SECONDS))
                    .isEqualTo(ModelHash.sha256(ModelHash.unetWeights(TestModels.model("sd3"))).substring(0, 10));
            assertThat(ModelHash.unetWeights(TestModels.model("sd3")).getParent().getFileName().toString())
                    .isEqualTo("transformer");
        }
    }

    @Test
    void offInTheBuilderNoHashIsComputedNorWritten() throws Exception {
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(TestModels.model("optimum-new"))
                .provider(io.github.diffusion4j.model.ExecutionProvider.CPU).cpuThreads(1).modelHash(false).build()) {
            assertThat(pipeline.modelHash()).isCompletedExceptionally();
            GeneratedImage image = pipeline.generateBlocking(request()).image();
            assertThat(image.metadata().modelHash()).isNull();
            assertThat(Images.readParameters(image.png())).doesNotContain("Model hash").contains("Model: optimum-new");
        }
    }

    @Test
    void closingThePipelineEndsTheHashThread() throws Exception {
        DiffusionPipeline pipeline = TestModels.pipeline("optimum-new");
        pipeline.close();
        // hashed before the close, or stopped by its interrupt: either way the future completes, nothing is left running
        assertThat(pipeline.modelHash().handle((hash, failure) -> hash != null || failure != null).get(60, TimeUnit.SECONDS))
                .isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (hashThreadAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5); // polling: the thread ends right after completing the future
        }
        assertThat(hashThreadAlive()).as("the hash thread ended").isFalse();
    }

    private static boolean hashThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("diffusion4j-model-hash-optimum-new") && t.isAlive());
    }
}

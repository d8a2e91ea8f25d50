package io.github.diffusion4j.model;

import ai.onnxruntime.OnnxJavaType;
import io.github.diffusion4j.pipeline.DiffusionPipeline;
import io.github.diffusion4j.pipeline.GenerationRequest;
import io.github.diffusion4j.pipeline.TestModels;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The model's tensor pool: a later generation of the same size takes the earlier one's tensors, zeroed; the pool
 * keeps at most two idle per shape, and frees them with the model.
 */
class TensorPoolTest {

    @Test
    void idleTensorsAreHandedOutAgainZeroedAndFreedOnClose() {
        try (TensorPool pool = new TensorPool(OrtEnvironments.shared())) {
            DirectTensor first = pool.acquire(OnnxJavaType.FLOAT, new long[] {2, 3});
            first.put(new float[] {1, 2, 3, 4, 5, 6}, 0, 0, 6);
            int inUse = DirectTensor.openTensors();
            pool.release(first);
            assertThat(DirectTensor.openTensors()).isEqualTo(inUse - 1);
            assertThat(pool.idleTensors()).isEqualTo(1);

            DirectTensor again = pool.acquire(OnnxJavaType.FLOAT, new long[] {2, 3});
            assertThat(again).isSameAs(first);
            float[] values = new float[6];
            again.get(0, values, 0, 6);
            assertThat(values).containsOnly(0f);
            assertThat(pool.reusedTensors()).isEqualTo(1);
            // another shape or type is never handed out in its place
            DirectTensor other = pool.acquire(OnnxJavaType.FLOAT, new long[] {3, 2});
            assertThat(other).isNotSameAs(again);
            DirectTensor ints = pool.acquire(OnnxJavaType.INT64, new long[] {2, 3});

            DirectTensor third = pool.acquire(OnnxJavaType.FLOAT, new long[] {2, 3});
            DirectTensor fourth = pool.acquire(OnnxJavaType.FLOAT, new long[] {2, 3});
            pool.release(again);
            pool.release(third);
            pool.release(fourth); // past two idle of a shape: freed
            assertThat(fourth.isClosed()).isTrue();
            assertThat(pool.idleTensors()).isEqualTo(2);
            pool.release(other);
            pool.release(ints);
            pool.close();
            assertThat(pool.idleTensors()).isZero();
            assertThat(again.isClosed()).isTrue();
            assertThat(other.isClosed()).isTrue();
            // given back after close: freed at once
            DirectTensor late = DirectTensor.allocate(OrtEnvironments.shared(), OnnxJavaType.FLOAT, new long[] {1});
            pool.release(late);
            assertThat(late.isClosed()).isTrue();
        }
    }

    @Test
    void aSecondGenerationOfTheSameSizeReusesTheFirstsTensors() {
        int before = DirectTensor.openTensors();
        TensorPool pool;
        // no previews: the previewer fit at build would run the VAE decoder on the pool too, beside the generations
        try (DiffusionPipeline pipeline = DiffusionPipeline.builder(TestModels.model("optimum-new"))
                .provider(ExecutionProvider.CPU).cpuThreads(1).previewInterval(0).build()) {
            pool = pipeline.model().sessions().tensors();
            GenerationRequest request = GenerationRequest.builder("a red circle").size(64, 64).steps(2).seed(1L).build();
            int[] first = pixels(pipeline.generateBlocking(request).image().image());
            int idle = pool.idleTensors();
            assertThat(idle).isPositive();
            assertThat(DirectTensor.openTensors()).isEqualTo(before);
            int[] second = pixels(pipeline.generateBlocking(request).image().image());
            // every tensor of the second generation came from the first; same image bit for bit
            assertThat(pool.reusedTensors()).isEqualTo(idle);
            assertThat(second).isEqualTo(first);
        }
        assertThat(pool.idleTensors()).isZero();
        assertThat(DirectTensor.openTensors()).isEqualTo(before);
    }

    /** Pixels, not PNG bytes: the PNG's Model hash may appear between two generations (computed in the background). */
    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}

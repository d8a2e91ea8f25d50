package io.github.diffusion4j.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Classifier-free guidance arithmetic and SD-Turbo style runs (guidance 0, one step). */
class GuidanceTest {

    @Test
    void guidanceCombinesUncondAndCond() {
        // batch 1, rowSize 2: [uncond0, uncond1, cond0, cond1]
        float[] pred = {1f, 2f, 3f, 6f};
        float[] out = new float[2];
        Guidance.apply(pred, out, 1, 2, 7.5f, 0);
        assertThat(out[0]).isCloseTo(1f + 7.5f * 2f, within(1e-6f));
        assertThat(out[1]).isCloseTo(2f + 7.5f * 4f, within(1e-6f));
    }

    @Test
    void guidanceRescaleFollowsDiffusersRescaleNoiseCfg() {
        float[] pred = {0f, 1f, 2f, 3f, 1f, 1f, 3f, 5f};
        float[] out = new float[4];
        Guidance.apply(pred, out, 1, 4, 3f, 0.7);
        // cfg = u + 3 (c - u) = [3, 1, 5, 9]; std_text (unbiased) of [1,1,3,5] and std_cfg of [3,1,5,9]
        double[] cfg = {3, 1, 5, 9};
        double stdText = std(new double[] {1, 1, 3, 5});
        double stdCfg = std(cfg);
        for (int i = 0; i < 4; i++) {
            double expected = 0.7 * cfg[i] * stdText / stdCfg + 0.3 * cfg[i];
            assertThat((double) out[i]).isCloseTo(expected, within(1e-5));
        }
    }

    private static double std(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (x.length - 1));
    }

    @Test
    void turboStyleOneStepWithoutGuidance() {
        try (DiffusionPipeline pipeline = TestModels.pipeline("sd-turbo")) {
            GenerationResult result = pipeline.generateBlocking(GenerationRequest.builder("a cat")
                    .steps(1).guidanceScale(0.0).seed(5L).build());
            assertThat(result.unetRuns()).isEqualTo(1);
            assertThat(result.image().metadata().scheduler()).isEqualTo("euler");
            assertThat(result.image().metadata().negativePrompt()).isEmpty();
        }
    }
}

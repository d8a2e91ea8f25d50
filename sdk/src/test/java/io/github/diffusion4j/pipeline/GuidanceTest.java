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

    @org.junit.jupiter.api.Test
    void aGuidanceIntervalRunsTheUnconditionalRowsOnlyInsideIt() {
        try (DiffusionPipeline pipeline = TestModels.pipeline("optimum-new")) {
            GenerationRequest full = GenerationRequest.builder("a red circle").negativePrompt("blue").size(64, 64)
                    .steps(10).guidanceScale(7.0).seed(5L).scheduler("euler").build();
            GenerationResult always = pipeline.generateBlocking(full);
            assertThat(always.denoiserRows()).isEqualTo(2 * 10);
            GenerationResult everyStep = pipeline.generateBlocking(full.toBuilder()
                    .guidanceInterval(new GuidanceInterval(0, 1)).build());
            assertThat(everyStep.image().png()).isEqualTo(always.image().png());
            // steps 2..7 of 10 guided (0.2 <= i/10 < 0.8): 6 × 2 rows + 4 × 1 row
            GenerationResult limited = pipeline.generateBlocking(full.toBuilder()
                    .guidanceInterval(new GuidanceInterval(0.2, 0.8)).build());
            assertThat(limited.unetRuns()).isEqualTo(10);
            assertThat(limited.denoiserRows()).isEqualTo(6 * 2 + 4);
            assertThat(limited.image().png()).isNotEqualTo(always.image().png());
            GenerationResult unguided = pipeline.generateBlocking(full.toBuilder().guidanceScale(1.0).build());
            assertThat(unguided.denoiserRows()).isEqualTo(10);
            assertThat(limited.image().png()).isNotEqualTo(unguided.image().png());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GuidanceInterval(0.5, 0.5))
                .hasMessage("guidanceInterval must satisfy 0 <= start < end <= 1, got [0.5, 0.5)");
    }
}

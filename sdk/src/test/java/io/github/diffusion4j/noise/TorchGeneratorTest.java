package io.github.diffusion4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TorchGeneratorTest {

    /**
     * Every stored value is torch's float to the bit (the file keeps each as the shortest decimal that reads back as
     * that float): an error of one ulp anywhere fails.
     */
    @Test
    void matchesTorchRandnToTheBitForEverySeedSizeAndCallSequence() {
        NoiseGoldens goldens = NoiseGoldens.load("torch.json");
        goldens.verifyAll(TorchGenerator::new, (expected, actual) -> (float) expected == actual ? 0 : 2);
        assertThat(goldens.comparedValues()).isGreaterThan(2_500);
        System.out.printf("TorchGenerator vs %s: %d values, max abs error %.3g%n",
                goldens.root().get("reference").asText(), goldens.comparedValues(), goldens.maxAbsError());
    }

    @Test
    void keepsOnlyTheLow32BitsOfTheSeedAsTorchDoes() {
        float[] low = new TorchGenerator(7).randn(40);
        assertThat(new TorchGenerator((1L << 32) + 7).randn(40)).containsExactly(low);
        // torch reads -1 as 2^64 - 1, whose low 32 bits are 0xFFFFFFFF.
        assertThat(new TorchGenerator(-1).randn(20)).containsExactly(new TorchGenerator(0xFFFF_FFFFL).randn(20));
    }

    @Test
    void returnsAnEmptyArrayForZeroAndRejectsNegativeCounts() {
        TorchGenerator generator = new TorchGenerator(3);
        assertThat(generator.randn(0)).isEmpty();
        // A zero-sized draw consumes nothing, as torch.randn(0) does.
        assertThat(generator.randn(20)).containsExactly(new TorchGenerator(3).randn(20));
        assertThatThrownBy(() -> generator.randn(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count");
    }
}

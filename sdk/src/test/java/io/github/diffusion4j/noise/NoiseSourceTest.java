package io.github.diffusion4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NoiseSourceTest {

    @Test
    void createsTheMatchingGenerator() {
        assertThat(NoiseSource.TORCH.newGenerator(5)).isInstanceOf(TorchGenerator.class);
        assertThat(NoiseSource.NUMPY.newGenerator(5)).isInstanceOf(NumpyGenerator.class);
        assertThat(NoiseSource.TORCH.newGenerator(5).randn(17)).containsExactly(new TorchGenerator(5).randn(17));
        assertThat(NoiseSource.NUMPY.newGenerator(5).randn(3)).containsExactly(new NumpyGenerator(5).randn(3));
        assertThatThrownBy(() -> NoiseSource.NUMPY.newGenerator(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomSeedsAreValidForBothSources() {
        for (int i = 0; i < 200; i++) {
            long seed = NoiseSource.randomSeed();
            assertThat(seed).isBetween(0L, 0xFFFF_FFFFL);
            assertThat(NoiseSource.NUMPY.newGenerator(seed).seed()).isEqualTo(seed);
        }
    }

    @Test
    void parsesNamesCaseInsensitively() {
        assertThat(NoiseSource.fromName("Torch")).isEqualTo(NoiseSource.TORCH);
        assertThat(NoiseSource.fromName("NUMPY")).isEqualTo(NoiseSource.NUMPY);
        assertThatThrownBy(() -> NoiseSource.fromName("jax")).isInstanceOf(IllegalArgumentException.class);
    }
}

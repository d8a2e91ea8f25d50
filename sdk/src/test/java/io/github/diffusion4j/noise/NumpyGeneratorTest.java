package io.github.diffusion4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class NumpyGeneratorTest {

    /**
     * Every value, cast to float32 as the pipeline takes it, is numpy's float64 value rounded to float, to the bit
     * (the float64 values themselves may differ by an ulp, below).
     */
    @Test
    void matchesNumpyRandnForEverySeedSizeAndCallSequence() {
        NoiseGoldens goldens = NoiseGoldens.load("numpy.json");
        goldens.verifyAll(NumpyGenerator::new, (expected, actual) -> (float) expected == actual ? 0 : 2);
        assertThat(goldens.comparedValues()).isGreaterThan(2_500);
        System.out.printf("NumpyGenerator vs %s: %d values, max abs error %.3g, max rel error %.3g%n",
                goldens.root().get("reference").asText(), goldens.comparedValues(), goldens.maxAbsError(),
                goldens.maxRelError());
    }

    @Test
    void matchesNumpyFloat64BeforeTheFloat32Cast() {
        // The first stored values are float64 results of RandomState(seed).randn(n). Java's Math.log and
        // Math.sqrt may round differently from the C library numpy was built against, by an ulp or so.
        NoiseGoldens goldens = NoiseGoldens.load("numpy.json");
        for (NoiseGoldens.Case golden : goldens.cases()) {
            JsonNode first = golden.calls().get(0);
            JsonNode values = first.has("values") ? first.get("values") : first.get("head");
            NumpyGenerator generator = new NumpyGenerator(golden.seed());
            for (JsonNode value : values) {
                double expected = value.asDouble();
                assertThat(generator.nextGauss()).isCloseTo(expected, within(4 * Math.ulp(expected)));
            }
        }
    }

    @Test
    void rejectsSeedsNumpyRejects() {
        NoiseGoldens goldens = NoiseGoldens.load("numpy.json");
        for (JsonNode seed : goldens.root().get("invalidSeeds")) {
            assertThatThrownBy(() -> new NumpyGenerator(seed.asLong()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("seed")
                    .hasMessageContaining("2^32 - 1")
                    .hasMessageContaining(seed.asText());
        }
        assertThat(new NumpyGenerator(0xFFFF_FFFFL).seed()).isEqualTo(0xFFFF_FFFFL);
        assertThat(new NumpyGenerator(0).seed()).isZero();
    }
}

package io.github.diffusion4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
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

    /**
     * Ten whole 65,536-value draws (a 4×128×128 latent each) against torch's, through the SHA-256 of their float32
     * little-endian bytes: a single ulp anywhere changes the digest.
     */
    @Test
    void largeDrawsAreTorchsToTheBit() throws Exception {
        JsonNode fingerprints = NoiseGoldens.load("torch.json").root().get("fingerprints");
        assertThat(fingerprints.size()).isEqualTo(10);
        for (JsonNode fingerprint : fingerprints) {
            float[] values = new TorchGenerator(fingerprint.get("seed").asLong()).randn(fingerprint.get("n").asInt());
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
            assertThat(digest).as("seed %s", fingerprint.get("seed")).isEqualTo(fingerprint.get("sha256").asText());
        }
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

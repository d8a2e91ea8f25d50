package io.github.diffusion4j.image;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoder output read in place (the pinned output tensor's buffer) gives the image the array path gives, pixel for
 * pixel, including the clamped, NaN and infinite values, and leaves the buffer's position alone.
 */
class DecoderOutputImageTest {

    @Test
    void aBufferReadInPlaceGivesTheSamePixelsAsTheArray() {
        int width = 24;
        int height = 16;
        float[] values = new float[3 * width * height];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 0.8);
        }
        values[0] = Float.NaN;
        values[1] = Float.POSITIVE_INFINITY;
        values[2] = Float.NEGATIVE_INFINITY;
        values[3] = 1.0f;
        values[4] = -1.0f;
        values[5] = 1e-8f;
        FloatBuffer direct = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(values).position(5);

        BufferedImage fromArray = Images.fromDecoderOutput(values, 0, width, height);
        BufferedImage fromBuffer = Images.fromDecoderOutput(direct.asReadOnlyBuffer(), width, height);

        assertThat(fromBuffer.getWidth()).isEqualTo(width);
        assertThat(fromBuffer.getHeight()).isEqualTo(height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                assertThat(fromBuffer.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(fromArray.getRGB(x, y));
            }
        }
        // NaN is black in the red channel, +inf full, -inf zero; the value 1 maps to 255 and -1 to 0
        assertThat((fromBuffer.getRGB(0, 0) >> 16) & 0xff).isZero();
        assertThat((fromBuffer.getRGB(1, 0) >> 16) & 0xff).isEqualTo(255);
        assertThat((fromBuffer.getRGB(3, 0) >> 16) & 0xff).isEqualTo(255);
        assertThat((fromBuffer.getRGB(4, 0) >> 16) & 0xff).isZero();
        assertThat(direct.position()).isEqualTo(5);
    }

    /**
     * The byte of a decoder value is diffusers' {@code (v * 0.5 + 0.5).clamp(0, 1)} then numpy's
     * {@code (x * 255).round()}, half to even ({@link Math#rint} here, the implementation adds 2^23), for a million bit
     * patterns spread over all floats, the special values and every exact tie {@code k + 0.5} of {@code x * 255}.
     */
    @Test
    void everyFloatMapsToTheByteOfTheClampedFormula() {
        for (long bits = 0; bits <= 0xFFFFFFFFL; bits += 4099) {
            float v = Float.intBitsToFloat((int) bits);
            assertThat(Images.toByte(v)).as("value %s", v).isEqualTo(reference(v));
        }
        for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, 0f, 1f, -1f,
                Math.nextUp(1f), Math.nextDown(-1f), -0.996078f, 0.996078f, Float.MIN_VALUE, -Float.MAX_VALUE}) {
            assertThat(Images.toByte(v)).as("value %s", v).isEqualTo(reference(v));
        }
    }

    /**
     * The values whose {@code x * 255} is exactly a tie {@code k + 0.5}: numpy's round gives the even neighbour, where
     * rounding half up (what this class did before) gives {@code k + 1} for even {@code k}.
     */
    @Test
    void tiesRoundToEvenAsNumpyDoes() {
        int ties = 0;
        int evenTies = 0;
        for (int k = 0; k < 255; k++) {
            float x = (k + 0.5f) / 255f;
            for (int n = -4; n <= 4; n++) {
                float near = x + n * Math.ulp(x);
                float v = (near - 0.5f) * 2f; // exact: near is in [0, 1], the difference and the doubling are exact
                if (v * 0.5f + 0.5f == near && near * 255f == k + 0.5f) {
                    ties++;
                    evenTies += k % 2 == 0 ? 1 : 0;
                    assertThat(Images.toByte(v)).as("tie %d.5 (v = %s)", k, v).isEqualTo(k % 2 == 0 ? k : k + 1);
                }
            }
        }
        assertThat(ties).as("exact ties found").isGreaterThan(20);
        assertThat(evenTies).as("ties with an even lower neighbour").isGreaterThan(10);
    }

    private static int reference(float v) {
        float x = Math.min(Math.max(v * 0.5f + 0.5f, 0f), 1f);
        return Float.isNaN(x) ? 0 : (int) Math.rint(x * 255f);
    }
}

package io.github.diffusion4j.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Reads the reference values written by {@code tools/goldens/noise_reference.py} and compares generators against
 * them, tracking the largest error seen so the tests can report it.
 */
final class NoiseGoldens {

    /** How a generated value is compared to the reference value. */
    interface Tolerance {
        /** The scaled error: at most 1 passes. */
        double scaledError(double expected, float actual);
    }

    /** One reference case: a seed and the successive calls made on one generator. */
    record Case(long seed, List<JsonNode> calls) {
    }

    private final JsonNode root;
    private double maxAbsError;
    private double maxRelError;
    private long comparedValues;

    private NoiseGoldens(JsonNode root) {
        this.root = root;
    }

    static NoiseGoldens load(String resource) {
        try (InputStream in = NoiseGoldens.class.getResourceAsStream("/noise/" + resource)) {
            assertThat(in).as("test resource /noise/%s", resource).isNotNull();
            return new NoiseGoldens(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode root() {
        return root;
    }

    List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (JsonNode node : root.get("cases")) {
            List<JsonNode> calls = new ArrayList<>();
            node.get("calls").forEach(calls::add);
            cases.add(new Case(node.get("seed").asLong(), calls));
        }
        return cases;
    }

    double maxAbsError() {
        return maxAbsError;
    }

    double maxRelError() {
        return maxRelError;
    }

    long comparedValues() {
        return comparedValues;
    }

    /** Replays every case on a fresh generator and checks each call against the reference. */
    void verifyAll(LongFunction<NoiseGenerator> factory, Tolerance tolerance) {
        for (Case golden : cases()) {
            NoiseGenerator generator = factory.apply(golden.seed());
            assertThat(generator.seed()).isEqualTo(golden.seed());
            for (int call = 0; call < golden.calls().size(); call++) {
                JsonNode expected = golden.calls().get(call);
                float[] actual = generator.randn(expected.get("n").asInt());
                String where = "seed " + golden.seed() + ", call " + call + " (n=" + actual.length + ")";
                verifyCall(where, expected, actual, tolerance);
            }
        }
    }

    private void verifyCall(String where, JsonNode expected, float[] actual, Tolerance tolerance) {
        assertThat(actual).as(where).hasSize(expected.get("n").asInt());
        if (expected.has("values")) {
            compareRange(where, expected.get("values"), actual, 0, tolerance);
            return;
        }
        JsonNode head = expected.get("head");
        JsonNode tail = expected.get("tail");
        compareRange(where + " head", head, actual, 0, tolerance);
        compareRange(where + " tail", tail, actual, actual.length - tail.size(), tolerance);
        JsonNode middleIndex = expected.get("middleIndex");
        JsonNode middle = expected.get("middle");
        for (int i = 0; i < middleIndex.size(); i++) {
            int index = middleIndex.get(i).asInt();
            compareValue(where + " [" + index + "]", middle.get(i).asDouble(), actual[index], tolerance);
        }
        double sum = 0;
        double sumSquares = 0;
        for (float value : actual) {
            sum += value;
            sumSquares += (double) value * value;
        }
        // Per-value errors of at most ~1e-6 over n values bound the drift of the sums; anything larger means some
        // value that is not stored individually differs.
        double slack = 1e-5 * actual.length;
        assertThat(sum).as(where + " sum").isCloseTo(expected.get("sum").asDouble(),
                within(slack));
        assertThat(sumSquares).as(where + " sum of squares").isCloseTo(expected.get("sumSquares").asDouble(),
                within(slack * 10));
    }

    private void compareRange(String where, JsonNode expected, float[] actual, int offset, Tolerance tolerance) {
        for (int i = 0; i < expected.size(); i++) {
            compareValue(where + " [" + (offset + i) + "]", expected.get(i).asDouble(), actual[offset + i],
                    tolerance);
        }
    }

    private void compareValue(String where, double expected, float actual, Tolerance tolerance) {
        double abs = Math.abs(expected - actual);
        maxAbsError = Math.max(maxAbsError, abs);
        if (expected != 0) {
            maxRelError = Math.max(maxRelError, abs / Math.abs(expected));
        }
        comparedValues++;
        double scaled = tolerance.scaledError(expected, actual);
        if (!(scaled <= 1.0)) {
            throw new AssertionError(where + ": expected " + expected + " but was " + actual);
        }
    }
}

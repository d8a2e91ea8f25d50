package io.github.diffusion4j.family;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading the pipeline goldens of {@code src/test/resources/goldens} (see the README there) and comparing with them. */
final class GoldenFiles {

    /** The goldens spell log(0) of a deterministic VAE as -Infinity, as Python's json does. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    static final double ATOL = 1e-3;

    private GoldenFiles() {
    }

    /** Every pipeline golden (a file naming its fixture and recording step latents) that {@code filter} accepts. */
    static Stream<Path> cases(Predicate<JsonNode> filter) throws IOException {
        Path root = Paths.get("src/test/resources/goldens");
        List<Path> files = new ArrayList<>();
        try (var dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                try (var jsons = Files.list(dir)) {
                    jsons.filter(p -> p.toString().endsWith(".json")).filter(p -> accepts(p, filter)).sorted()
                            .forEach(files::add);
                }
            }
        }
        return files.stream();
    }

    static boolean accepts(Path file, Predicate<JsonNode> filter) {
        try {
            JsonNode golden = JSON.readTree(file.toFile());
            return golden.has("fixture") && golden.get("tensors").has("step_latents") && filter.test(golden);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void checkImage(BufferedImage image, JsonNode golden) {
        JsonNode t = golden.get("tensors").get("image_uint8");
        int h = t.get("shape").get(0).asInt();
        int w = t.get("shape").get(1).asInt();
        assertThat(image.getWidth()).isEqualTo(w);
        assertThat(image.getHeight()).isEqualTo(h);
        JsonNode data = t.get("data");
        int worst = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                int base = (y * w + x) * 3;
                worst = Math.max(worst, Math.abs(((rgb >> 16) & 0xFF) - data.get(base).asInt()));
                worst = Math.max(worst, Math.abs(((rgb >> 8) & 0xFF) - data.get(base + 1).asInt()));
                worst = Math.max(worst, Math.abs((rgb & 0xFF) - data.get(base + 2).asInt()));
            }
        }
        assertThat(worst).as("largest 8-bit pixel difference").isLessThanOrEqualTo(1);
    }

    static int clipSkip(JsonNode req) {
        return req.hasNonNull("clip_skip") ? req.get("clip_skip").asInt() : 0;
    }

    static String text(JsonNode req, String key) {
        return req.hasNonNull(key) ? req.get(key).asText() : "";
    }

    static float[] floats(JsonNode golden, String name) {
        JsonNode data = golden.get("tensors").get(name).get("data");
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) data.get(i).asDouble();
        }
        return out;
    }

    static float[] slice(float[] a, int from, int n) {
        float[] out = new float[n];
        System.arraycopy(a, from, out, 0, n);
        return out;
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).isNotNull().hasSize(expected.length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertThat(worst).as("%s: largest |java - diffusers| (at %d)", what, at).isLessThanOrEqualTo(ATOL);
    }
}

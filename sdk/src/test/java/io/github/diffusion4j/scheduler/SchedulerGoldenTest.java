package io.github.diffusion4j.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.noise.TorchGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.data.Offset.offset;

/**
 * Replays the trajectories tools/goldens/diffusers_schedulers.py recorded by running diffusers' own scheduler modules
 * (the commit is in each file's {@code source}) and compares every quantity: timesteps (after the timestep plan:
 * custom sigmas, mu, image-to-image strength), sigmas, init_noise_sigma, scaled inputs, prev_sample and
 * pred_original_sample at every step, the noise draws (torch generator noise, replayed by {@link TorchGenerator}) and
 * add_noise / scale_noise at the first timestep.
 */
class SchedulerGoldenTest {

    /** The acceptance bound: |actual - expected| <= TOLERANCE * (1 + |expected|). */
    private static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FILES = List.of("ddim", "ddpm", "pndm", "euler", "euler_a", "lms", "dpmpp_2m",
            "dpmpp_2m_sde", "dpmpp_2s", "unipc", "deis", "heun", "dpm2", "dpm2_a", "lcm", "tcd", "flow_match_euler",
            "flow_match_heun");
    private static final Map<String, double[]> MAX_ERROR = new TreeMap<>();

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String file : FILES) {
            JsonNode root = read(file + ".json");
            int index = 0;
            for (JsonNode c : root.get("cases")) {
                String label = String.format(Locale.ROOT, "%s #%d %s steps=%d", file, index++, c.get("config"),
                        c.get("steps").asInt());
                out.add(Arguments.of(label, root.get("probe"), c));
            }
        }
        return out.stream();
    }

    private static JsonNode read(String resource) {
        try (InputStream in = SchedulerGoldenTest.class.getResourceAsStream("/schedulers/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /schedulers/" + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesDiffusersTrajectory(String label, JsonNode probeNode, JsonNode c) {
        String name = c.get("scheduler").asText();
        int[] probe = ints(probeNode);
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = JSON.convertValue(c.get("config"), Map.class);
        SchedulerConfig config = SchedulerConfig.of(raw);
        TimestepPlan plan = plan(c);
        Scheduler scheduler = Schedulers.create(name, config);
        scheduler.setTimesteps(plan);
        Errors errors = new Errors(label);

        double[] timesteps = scheduler.timesteps();
        double[] expectedTimesteps = doubles(c.get("timesteps"));
        assertThat(timesteps).as(label + " timestep count").hasSize(expectedTimesteps.length);
        for (int i = 0; i < timesteps.length; i++) {
            errors.check("timesteps[" + i + "]", timesteps[i], expectedTimesteps[i]);
        }
        errors.check("init_noise_sigma", scheduler.initNoiseSigma(), c.get("init_noise_sigma").asDouble());
        if (!c.get("sigmas").isNull()) {
            double[] sigmas = doubles(c.get("sigmas"));
            for (int i = 0; i < sigmas.length; i++) {
                errors.check("sigmas[" + i + "]", scheduler.sigmaAt(i).orElseThrow(), sigmas[i]);
            }
        }

        RecordingNoise noise = new RecordingNoise(new TorchGenerator(c.get("seed").asLong()));
        float[] sample = GoldenInputs.initialLatents(scheduler.initNoiseSigma());
        JsonNode records = c.get("records");
        for (int s = 0; s < timesteps.length; s++) {
            JsonNode rec = records.get(s);
            double t = timesteps[s];
            float[] scaled = scheduler.scaleModelInput(sample, t);
            errors.checkProbe("step " + s + " scaled", scaled, probe, rec.get("scaled"));
            StepOutput out = scheduler.step(GoldenInputs.fakeModel(scaled, t), t, sample, noise);
            errors.checkProbe("step " + s + " prev_sample", out.prevSample(), probe, rec.get("prev"));
            if (!rec.get("pred").isNull()) {
                errors.checkProbe("step " + s + " pred_original_sample", out.predOriginalSample(), probe,
                        rec.get("pred"));
            }
            sample = out.prevSample();
        }
        assertThat(noise.draws).as(label + " noise draws").containsExactlyElementsOf(integers(c.get("noise_draws")));
        checkForwardProcess(c, name, config, plan, probe, errors);
        synchronized (MAX_ERROR) {
            double[] worst = MAX_ERROR.computeIfAbsent(name, k -> new double[2]);
            worst[0] = Math.max(worst[0], errors.max);
            worst[1] = Math.max(worst[1], errors.maxAbs);
        }
        errors.assertWithin();
    }

    /** add_noise (or scale_noise for flow matching) at the first timestep, on a fresh scheduler with the same plan. */
    private static void checkForwardProcess(JsonNode c, String name, SchedulerConfig config, TimestepPlan plan,
                                            int[] probe, Errors errors) {
        String key = c.has("scale_noise") ? "scale_noise" : c.has("add_noise") ? "add_noise" : null;
        if (key == null) {
            return;
        }
        Scheduler fresh = Schedulers.create(name, config);
        fresh.setTimesteps(plan);
        float[] noise = new GoldenInputs.StreamNoise().randn(GoldenInputs.NUMEL);
        double t0 = fresh.timesteps()[0];
        float[] noisy = key.equals("scale_noise") ? fresh.scaleNoise(GoldenInputs.baseLatents(), noise, t0)
                : fresh.addNoise(GoldenInputs.baseLatents(), noise, t0);
        errors.checkProbe(key, noisy, probe, c.get(key));
    }

    /** The case's timestep plan, as the driver passed it to retrieve_timesteps / get_timesteps. */
    static TimestepPlan plan(JsonNode c) {
        JsonNode p = c.get("plan");
        TimestepPlan plan = p.has("sigmas") ? TimestepPlan.ofSigmas(doubles(p.get("sigmas")))
                : p.has("timesteps") ? TimestepPlan.ofTimesteps(doubles(p.get("timesteps")))
                : TimestepPlan.of(c.get("steps").asInt());
        if (p.has("mu")) {
            plan = plan.withMu(p.get("mu").asDouble());
        }
        if (p.has("strength")) {
            plan = plan.withStrength(p.get("strength").asDouble());
        }
        return plan;
    }

    /** Passes a generator's draws through, recording their sizes. */
    private static final class RecordingNoise implements NoiseGenerator {
        private final NoiseGenerator delegate;
        final List<Integer> draws = new ArrayList<>();

        RecordingNoise(NoiseGenerator delegate) {
            this.delegate = delegate;
        }

        @Override
        public long seed() {
            return delegate.seed();
        }

        @Override
        public float[] randn(int count) {
            draws.add(count);
            return delegate.randn(count);
        }
    }

    @Test
    void alphasCumprodMatchesTorch() {
        JsonNode root = read("alphas_cumprod.json");
        for (JsonNode c : root.get("cases")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> raw = JSON.convertValue(c.get("config"), Map.class);
            float[] actual = BetaSchedules.alphasCumprod(SchedulerConfig.of(raw), false, true);
            double[] expected = doubles(c.get("alphas_cumprod"));
            assertThat(actual).hasSize(expected.length);
            int exact = 0;
            for (int i = 0; i < expected.length; i++) {
                if (actual[i] == (float) expected[i]) {
                    exact++;
                }
                assertThat((double) actual[i]).as(c.get("config") + " alphas_cumprod[" + i + "]")
                        .isCloseTo(expected[i], offset(1e-6 * Math.abs(expected[i])
                                + 1e-12));
            }
            System.out.printf(Locale.ROOT, "alphas_cumprod %s: %d/%d bit-identical to torch%n", c.get("config"),
                    exact, expected.length);
        }
    }

    @Test
    void timestepsMatchForEveryStepCount() {
        JsonNode root = read("timestep_fingerprints.json");
        root.fields().forEachRemaining(entry -> {
            if (entry.getKey().equals("source")) {
                return;
            }
            String name = entry.getKey().substring(0, entry.getKey().indexOf(':')).replace("_skip_prk", "");
            @SuppressWarnings("unchecked")
            Map<String, Object> raw = JSON.convertValue(entry.getValue().get("config"), Map.class);
            Scheduler scheduler = Schedulers.create(name, SchedulerConfig.of(raw));
            JsonNode rows = entry.getValue().get("rows");
            for (int n = 1; n <= rows.size(); n++) {
                JsonNode row = rows.get(n - 1);
                String what = entry.getKey() + " steps=" + n;
                if (row.isNull()) {
                    int steps = n;
                    assertThatThrownBy(() -> scheduler.setTimesteps(steps)).as(what)
                            .isInstanceOf(IllegalArgumentException.class);
                    continue;
                }
                int offsetSteps = ((Number) raw.getOrDefault("steps_offset", 0)).intValue();
                int numTrain = ((Number) raw.getOrDefault("num_train_timesteps", 1000)).intValue();
                if ("leading".equals(raw.getOrDefault("timestep_spacing", "leading"))
                        && (name.equals("ddim") || name.equals("ddpm") || name.equals("pndm"))
                        && (long) (n - 1) * (numTrain / n) + offsetSteps > numTrain - 1) {
                    // diffusers builds this schedule and then indexes past alphas_cumprod (IndexError); we refuse it
                    // up front with the limit in the message.
                    int steps = n;
                    assertThatThrownBy(() -> scheduler.setTimesteps(steps)).as(what)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("larger counts step past timestep " + (numTrain - 1));
                    continue;
                }
                scheduler.setTimesteps(n);
                double[] ts = scheduler.timesteps();
                double sum = 0;
                double weighted = 0;
                for (int i = 0; i < ts.length; i++) {
                    sum += ts[i];
                    weighted += ts[i] * (i + 1);
                }
                assertThat(ts.length).as(what + " length").isEqualTo(row.get(0).asInt());
                assertThat(sum).as(what + " sum").isCloseTo(row.get(1).asDouble(),
                        offset(1e-9 * (1 + Math.abs(sum))));
                assertThat(weighted).as(what + " weighted sum").isCloseTo(row.get(2).asDouble(),
                        offset(1e-9 * (1 + Math.abs(weighted))));
            }
        });
    }

    @AfterAll
    static void report() {
        MAX_ERROR.forEach((name, worst) -> System.out.printf(Locale.ROOT,
                "golden max error %-9s relative %.3e (bound %.0e), absolute %.3e%n", name, worst[0], TOLERANCE,
                worst[1]));
    }

    /** Collects the worst deviation of a case and its location. */
    private static final class Errors {
        private final String label;
        private double max;
        private double maxAbs;
        private String where = "";
        private double actualAtMax;
        private double expectedAtMax;

        Errors(String label) {
            this.label = label;
        }

        void check(String what, double actual, double expected) {
            double abs = Math.abs(actual - expected);
            double rel = abs / (1 + Math.abs(expected));
            if (!(rel <= max)) {
                if (Double.isNaN(rel)) {
                    rel = Double.POSITIVE_INFINITY;
                }
                max = rel;
                where = what;
                actualAtMax = actual;
                expectedAtMax = expected;
            }
            maxAbs = Math.max(maxAbs, abs);
        }

        void checkProbe(String what, float[] actual, int[] probe, JsonNode expected) {
            if (actual == null) {
                fail(label + ": " + what + " is null");
            }
            for (int k = 0; k < probe.length; k++) {
                check(what + "[" + probe[k] + "]", actual[probe[k]], expected.get(k).asDouble());
            }
        }

        void assertWithin() {
            if (max > TOLERANCE) {
                fail(String.format(Locale.ROOT, "%s: %s = %s, diffusers %s (relative error %.3e)", label, where,
                        actualAtMax, expectedAtMax, max));
            }
        }
    }

    private static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }

    private static List<Integer> integers(JsonNode node) {
        List<Integer> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asInt()));
        return out;
    }

    static double[] doubles(JsonNode node) {
        double[] out = new double[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asDouble();
        }
        return out;
    }
}

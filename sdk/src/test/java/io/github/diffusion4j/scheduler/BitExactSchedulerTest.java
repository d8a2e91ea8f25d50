package io.github.diffusion4j.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.diffusion4j.noise.NoiseGenerator;
import io.github.diffusion4j.noise.NoiseSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schedulers ported in float32, in torch's operation order, are diffusers' own to the bit (DDPM, PNDM, DDIM with and
 * without η, Euler, Euler ancestral, Heun, DPM2 ancestral, LCM, TCD and the two flow-matching schedulers; the others
 * agree within {@link SchedulerGoldenTest}'s 1e-4). The stochastic ones draw their step noise from
 * {@code TorchGenerator}, which is {@code torch.randn} to the bit. Replays {@code schedulers/bit_exact.json} (written
 * by {@code tools/goldens/bit_exact_schedulers.py}, which runs diffusers' scheduler modules) on inputs exact in float32
 * in both languages, and compares prev_sample's bit patterns.
 */
class BitExactSchedulerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NUMEL = 128;

    static List<Arguments> cases() {
        JsonNode root = read();
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            out.add(Arguments.of(c.get("scheduler").asText() + " " + c.get("config") + " steps=" + c.get("steps"),
                    root.get("probe"), c));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void prevSampleIsDiffusersToTheBit(String label, JsonNode probe, JsonNode c) {
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = JSON.convertValue(c.get("config"), Map.class);
        Scheduler scheduler = Schedulers.create(c.get("scheduler").asText(), SchedulerConfig.of(raw));
        scheduler.setTimesteps(c.get("steps").asInt());
        double[] timesteps = scheduler.timesteps();
        assertThat(timesteps).as(label + " timesteps").hasSize(c.get("prev_bits").size());
        float[] x = latents();
        // stochastic schedulers draw their step noise from torch.Generator().manual_seed(seed), as the script does
        NoiseGenerator noise = NoiseSource.TORCH.newGenerator(c.get("seed").asLong());
        for (int k = 0; k < timesteps.length; k++) {
            float[] input = scheduler.scaleModelInput(x, timesteps[k]);
            x = scheduler.step(model(input, k), timesteps[k], x, noise).prevSample();
            JsonNode expected = c.get("prev_bits").get(k);
            for (int p = 0; p < probe.size(); p++) {
                int at = probe.get(p).asInt();
                assertThat(Float.floatToRawIntBits(x[at])).as("%s step %d prev_sample[%d] = %s, diffusers %s", label, k,
                        at, x[at], Float.intBitsToFloat(expected.get(p).asInt())).isEqualTo(expected.get(p).asInt());
            }
        }
        JsonNode last = c.get("final_bits");
        for (int i = 0; i < NUMEL; i++) {
            assertThat(Float.floatToRawIntBits(x[i])).as("%s final prev_sample[%d]", label, i)
                    .isEqualTo(last.get(i).asInt());
        }
    }

    /** Value i: ((37 i) mod 64 - 32) / 16 (bit_exact_schedulers.py exact_latents). */
    private static float[] latents() {
        float[] out = new float[NUMEL];
        for (int i = 0; i < NUMEL; i++) {
            out[i] = ((37 * i) % 64 - 32) / 16f;
        }
        return out;
    }

    /** 0.25 * x_in + ((7 i + step) mod 19 - 9) / 16, float32 (bit_exact_schedulers.py exact_model). */
    private static float[] model(float[] input, int step) {
        float[] out = new float[input.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = input[i] * 0.25f + ((7 * i + step) % 19 - 9) / 16f;
        }
        return out;
    }

    private static JsonNode read() {
        try (InputStream in = BitExactSchedulerTest.class.getResourceAsStream("/schedulers/bit_exact.json")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /schedulers/bit_exact.json");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

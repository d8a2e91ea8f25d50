package io.github.diffusion4j.scheduler;

import io.github.diffusion4j.noise.NoiseGenerator;

import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic inputs tools/goldens/diffusers_schedulers.py uses: latents, fake model and noise stream. Both sides
 * compute them in float64 and round to float32, so they agree exactly.
 */
final class GoldenInputs {

    static final int NUMEL = 2 * 4 * 4 * 4;

    private GoldenInputs() {
    }

    static float[] baseLatents() {
        float[] out = new float[NUMEL];
        for (int i = 0; i < NUMEL; i++) {
            out[i] = (float) (Math.sin(0.37 * i + 0.1) * 1.3);
        }
        return out;
    }

    static float[] initialLatents(double initNoiseSigma) {
        float[] base = baseLatents();
        float scale = (float) initNoiseSigma;
        for (int i = 0; i < base.length; i++) {
            base[i] = base[i] * scale;
        }
        return base;
    }

    /** model_output = 0.3 * input + 0.1 * sin(t / 100 + i). */
    static float[] fakeModel(float[] input, double timestep) {
        float[] out = new float[input.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (0.3 * input[i] + 0.1 * Math.sin(timestep / 100.0 + i));
        }
        return out;
    }

    /** Stand-in for torch.randn: value j of the stream is float32(sin(0.618 j + 0.5) * 1.1); records draw sizes. */
    static final class StreamNoise implements NoiseGenerator {
        private long position;
        final List<Integer> draws = new ArrayList<>();

        @Override
        public long seed() {
            return 0;
        }

        @Override
        public float[] randn(int count) {
            float[] out = new float[count];
            for (int i = 0; i < count; i++) {
                out[i] = (float) (Math.sin(0.618 * (position + i) + 0.5) * 1.1);
            }
            position += count;
            draws.add(count);
            return out;
        }
    }
}

package io.github.diffusion4j.noise;

/**
 * The 32-bit Mersenne Twister (Matsumoto and Nishimura, 1998), seeded with {@code init_genrand}. Both torch's CPU
 * generator ({@code aten/src/ATen/core/MT19937RNGEngine.h}) and numpy's legacy {@code RandomState}
 * ({@code numpy/random/src/mt19937/mt19937.c}, {@code mt19937_seed}) use exactly this engine and seeding, so one
 * implementation backs both noise sources. Not thread-safe.
 */
final class Mt19937 {

    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    private int index;

    /** Seeds the engine with the low 32 bits of {@code seed}, as both reference implementations do. */
    Mt19937(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            int previous = state[i - 1];
            // init_genrand: the multiplication wraps modulo 2^32, which Java int arithmetic does for free.
            state[i] = 1812433253 * (previous ^ (previous >>> 30)) + i;
        }
        index = N;
    }

    /** The next output as an int holding the unsigned 32-bit value's bits. */
    int nextInt() {
        if (index >= N) {
            twist();
        }
        int y = state[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** The next output as an unsigned 32-bit value in {@code [0, 2^32)}. */
    long nextUnsigned() {
        return Integer.toUnsignedLong(nextInt());
    }

    /**
     * Fills {@code out} with the next {@code out.length} outputs, as {@link #nextInt()} would return them one by
     * one; the tempering loop runs over a whole state block at a time, which the JIT keeps in registers.
     */
    void nextInts(int[] out) {
        int done = 0;
        while (done < out.length) {
            if (index >= N) {
                twist();
            }
            int n = Math.min(N - index, out.length - done);
            for (int k = 0; k < n; k++) {
                int y = state[index + k];
                y ^= y >>> 11;
                y ^= (y << 7) & 0x9d2c5680;
                y ^= (y << 15) & 0xefc60000;
                y ^= y >>> 18;
                out[done + k] = y;
            }
            index += n;
            done += n;
        }
    }

    /** The reference's generation step, with the index wrap-around split into three loops instead of {@code % N}. */
    private void twist() {
        int i = 0;
        for (; i < N - M; i++) {
            state[i] = mix(state[i], state[i + 1], state[i + M]);
        }
        for (; i < N - 1; i++) {
            state[i] = mix(state[i], state[i + 1], state[i + M - N]);
        }
        state[N - 1] = mix(state[N - 1], state[0], state[M - 1]);
        index = 0;
    }

    private static int mix(int current, int next, int far) {
        int y = (current & UPPER_MASK) | (next & LOWER_MASK);
        return far ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
    }
}

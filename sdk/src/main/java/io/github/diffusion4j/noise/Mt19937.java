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

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (state[i] & UPPER_MASK) | (state[(i + 1) % N] & LOWER_MASK);
            int next = state[(i + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) {
                next ^= MATRIX_A;
            }
            state[i] = next;
        }
        index = 0;
    }
}

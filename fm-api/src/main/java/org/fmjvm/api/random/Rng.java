package org.fmjvm.api.random;

import java.nio.charset.StandardCharsets;

/**
 * A seeded pseudo-random generator (SplitMix64 bits, Marsaglia's polar method for normals).
 *
 * <p>Every random draw in the framework comes from an {@code Rng} derived from the one seed in the
 * configuration; there is no hidden global generator. {@link #split(String)} derives an
 * independent stream for one purpose ({@code "init"}, {@code "data"}, {@code "source"}, ...) so
 * that changing how much one part consumes does not shift another. The sequence for a given seed
 * is fixed by this class alone (not by the JDK or the backend), so the same seed gives the same
 * numbers on every backend and every JVM.
 *
 * <p>Not thread-safe: give each thread its own split.
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private final long seed;
    private long state;
    private double spareNormal;
    private boolean hasSpare;

    private Rng(long seed) {
        this.seed = seed;
        this.state = seed;
    }

    /**
     * Everything that decides a generator's future draws, to snapshot a run and continue it later.
     *
     * @param seed the seed the generator was created with (what {@link Rng#split} derives from)
     * @param state the position in the SplitMix64 sequence
     * @param spareNormal the second normal of the last polar-method pair; meaningful only with {@code hasSpare}
     * @param hasSpare whether the next {@link Rng#nextGaussian()} returns {@code spareNormal} without drawing
     */
    public record State(long seed, long state, double spareNormal, boolean hasSpare) {
        /** Rejects a non-finite spare normal, which no generator can hold. */
        public State {
            if (!Double.isFinite(spareNormal)) {
                throw new IllegalArgumentException("spare normal must be finite, got " + spareNormal);
            }
        }
    }

    /**
     * @return this generator's full state; {@link #restore} of it draws what this generator draws next
     */
    public State state() {
        return new State(seed, state, spareNormal, hasSpare);
    }

    /**
     * @param state a state from {@link #state()}
     * @return a new generator that continues exactly where the captured one was
     */
    public static Rng restore(State state) {
        Rng rng = new Rng(state.seed());
        rng.state = state.state();
        rng.spareNormal = state.spareNormal();
        rng.hasSpare = state.hasSpare();
        return rng;
    }

    /**
     * @param seed any value; equal seeds give equal sequences
     * @return a generator at the start of the sequence for {@code seed}
     */
    public static Rng seeded(long seed) {
        return new Rng(seed);
    }

    /** @return the seed this generator was created with */
    public long seed() {
        return seed;
    }

    /**
     * Derives an independent generator for one purpose. The result depends only on this
     * generator's seed and {@code purpose}, not on how many numbers were drawn so far.
     *
     * @param purpose a stable label such as {@code "init"} or {@code "data"}
     * @return a new generator
     */
    public Rng split(String purpose) {
        long h = 0xCBF29CE484222325L; // FNV-1a 64 of the label
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= 0x100000001B3L;
        }
        return new Rng(mix(seed ^ mix(h)));
    }

    /**
     * Derives an independent generator numbered {@code index} (for example one per repeat).
     *
     * @param index any value
     * @return a new generator that depends only on this seed and {@code index}
     */
    public Rng split(long index) {
        return new Rng(mix(seed + GOLDEN * (index + 1)) ^ 0x5DEECE66DL);
    }

    /** @return the next 64 random bits */
    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /** @return a uniform double in [0, 1) with 53 random bits */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /**
     * @param bound exclusive upper bound, positive
     * @return a uniform integer in [0, bound)
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, got " + bound);
        }
        // Lemire's multiply-shift with rejection: unbiased
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /**
     * A uniformly random permutation of {@code 0 .. n-1} (Fisher-Yates: for {@code i} from
     * {@code n - 1} down to 1, swap entry {@code i} with entry {@code nextInt(i + 1)}).
     *
     * @param n the length, {@code >= 0}
     * @return a new array holding each of {@code 0 .. n-1} once
     */
    public int[] permutation(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("permutation length must be >= 0, got " + n);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** @return a standard normal draw */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareNormal;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spareNormal = v * f;
        hasSpare = true;
        return u * f;
    }

    /**
     * @param n how many
     * @return {@code n} standard normal draws as float32
     */
    public float[] normals(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) nextGaussian();
        }
        return out;
    }

    /**
     * @param n how many
     * @return {@code n} uniform draws in [0, 1) as float32
     */
    public float[] uniforms(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (nextLong() >>> 40) * 0x1.0p-24f; // 24 bits: exactly representable, never 1
        }
        return out;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package org.fmjvm.core.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Byte-level damage to a file, as a flaky disk, a bad copy or a careless editor might do it, for the
 * fuzz tests of this package. Every mutation draws from the {@link Random} it is given (the
 * property's, so a failing case replays from jqwik's seed).
 */
final class FileMutations {

    private FileMutations() {
    }

    /** How a file is damaged. */
    enum Kind {
        /** Flips 1 to 4 random bits in place. */
        FLIP_BITS,
        /** Sets 1 to 4 bytes in place to random values. */
        SET_BYTES,
        /** Inserts 1 to 8 spaces. */
        INSERT_SPACES,
        /** Inserts 1 to 8 random bytes. */
        INSERT_RANDOM,
        /** Deletes 1 to 16 bytes. */
        DELETE_RANGE,
        /** Cuts the file short. */
        TRUNCATE,
        /** Appends 1 to 32 zero or random bytes. */
        APPEND,
        /** Adds -16..16 (or a huge value) to the safetensors header length field. */
        LENGTH_FIELD;

        /** @return whether the file keeps its length and layout (only byte values change) */
        boolean inPlace() {
            return this == FLIP_BITS || this == SET_BYTES;
        }
    }

    /**
     * A damaged file.
     *
     * @param bytes the new contents
     * @param changedInPlace the offsets whose bytes were overwritten without moving anything (empty for
     *     mutations that shift or resize the file, and for in-place ones that happened to write the
     *     same value)
     */
    record Mutated(byte[] bytes, Set<Integer> changedInPlace) {
    }

    /**
     * @param original the file's bytes (not modified)
     * @param kind the damage
     * @param hotStart start of a region where damage is drawn more often (e.g. the header)
     * @param hotEnd end (exclusive) of that region
     * @param random the source of every choice
     * @return the damaged copy
     */
    static Mutated apply(byte[] original, Kind kind, int hotStart, int hotEnd, Random random) {
        byte[] b = original.clone();
        int n = b.length;
        Set<Integer> changed = new TreeSet<>();
        switch (kind) {
            case FLIP_BITS -> {
                for (int i = 0, k = 1 + random.nextInt(4); i < k; i++) {
                    int p = position(n, hotStart, hotEnd, random);
                    b[p] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case SET_BYTES -> {
                for (int i = 0, k = 1 + random.nextInt(4); i < k; i++) {
                    int p = position(n, hotStart, hotEnd, random);
                    b[p] = (byte) random.nextInt(256);
                }
            }
            case INSERT_SPACES, INSERT_RANDOM -> {
                byte[] ins = new byte[1 + random.nextInt(8)];
                if (kind == Kind.INSERT_SPACES) {
                    Arrays.fill(ins, (byte) ' ');
                } else {
                    random.nextBytes(ins);
                }
                int p = Math.min(n, position(n, hotStart, hotEnd, random) + random.nextInt(2));
                b = concat(Arrays.copyOf(original, p), ins, Arrays.copyOfRange(original, p, n));
            }
            case DELETE_RANGE -> {
                int p = position(n, hotStart, hotEnd, random);
                int len = Math.min(n - p, 1 + random.nextInt(16));
                b = concat(Arrays.copyOf(original, p), Arrays.copyOfRange(original, p + len, n));
            }
            case TRUNCATE -> b = Arrays.copyOf(original, random.nextBoolean() ? random.nextInt(n)
                    : Math.max(0, n - 1 - random.nextInt(16)));
            case APPEND -> {
                byte[] tail = new byte[1 + random.nextInt(32)];
                if (random.nextBoolean()) {
                    random.nextBytes(tail);
                }
                b = concat(original, tail);
            }
            case LENGTH_FIELD -> {
                if (n >= 8) {
                    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    long len = buf.getLong(0);
                    long[] huge = {Long.MIN_VALUE, Long.MAX_VALUE, -1L, 1L << 31, 1L << 32, 100_000_001L};
                    long next = random.nextInt(4) == 0 ? huge[random.nextInt(huge.length)]
                            : len + (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(16));
                    buf.putLong(0, next);
                }
            }
            default -> throw new IllegalArgumentException("unknown mutation " + kind);
        }
        if (kind.inPlace()) {
            for (int i = 0; i < n; i++) {
                if (b[i] != original[i]) {
                    changed.add(i);
                }
            }
        }
        return new Mutated(b, Collections.unmodifiableSet(changed));
    }

    /** A position in {@code [0, n)}: half the time in the hot region, else anywhere. */
    private static int position(int n, int hotStart, int hotEnd, Random random) {
        if (n == 0) {
            return 0;
        }
        int lo = Math.max(0, Math.min(hotStart, n - 1));
        int hi = Math.max(lo + 1, Math.min(hotEnd, n));
        return random.nextBoolean() ? lo + random.nextInt(hi - lo) : random.nextInt(n);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

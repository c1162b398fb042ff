package org.fmjvm.core.data;

import java.util.Arrays;
import java.util.Objects;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;

/**
 * A table's rows split at random into training and held-out rows: a uniform random permutation
 * (Fisher-Yates from the given generator), its first {@code round(fraction * rows)} rows held out
 * (at least one when the fraction is positive), both parts listed in ascending row order. The same
 * generator state and row count give the same split, so a checkpoint's seed and fraction recover it.
 *
 * @param train the 0-based training rows, ascending
 * @param heldOut the 0-based held-out rows, ascending; empty for fraction 0
 */
public record RowSplit(int[] train, int[] heldOut) {

    /** Copies the arrays. */
    public RowSplit {
        train = train.clone();
        heldOut = heldOut.clone();
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] heldOut() {
        return heldOut.clone();
    }

    /**
     * @param rows the table's rows, {@code >= 1}
     * @param fraction the share held out, in {@code [0, 1)}
     * @param rng the generator of the permutation
     * @return the split
     * @throws ConfigurationException if the fraction is outside {@code [0, 1)}
     * @throws DataException if fewer than two rows would be left for training
     */
    public static RowSplit of(int rows, double fraction, Rng rng) {
        Objects.requireNonNull(rng, "rng");
        checkFraction(fraction);
        int held = fraction == 0 ? 0 : (int) Math.max(1, Math.round(fraction * rows));
        if (rows - held < 2) {
            throw new DataException("holding out " + held + " of " + rows + " rows leaves " + (rows - held)
                    + " to train on; use a smaller --validation fraction or more rows");
        }
        int[] perm = rng.permutation(rows);
        int[] out = Arrays.copyOfRange(perm, 0, held);
        int[] in = Arrays.copyOfRange(perm, held, rows);
        Arrays.sort(out);
        Arrays.sort(in);
        return new RowSplit(in, out);
    }

    /**
     * @param fraction a share of rows to hold out
     * @throws ConfigurationException unless it is in {@code [0, 1)}
     */
    public static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new ConfigurationException("--validation must be a fraction in [0, 1), e.g. 0.2, got " + fraction);
        }
    }

    /**
     * @param points row-major rows of dimension {@code dim}
     * @param dim the row length
     * @param rows which rows, 0-based
     * @return those rows in the given order, row-major
     */
    public static float[] select(float[] points, int dim, int[] rows) {
        float[] out = new float[rows.length * dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(points, rows[i] * dim, out, i * dim, dim);
        }
        return out;
    }
}

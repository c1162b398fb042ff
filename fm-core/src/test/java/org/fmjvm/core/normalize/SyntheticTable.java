package org.fmjvm.core.normalize;

import java.util.SplittableRandom;

/**
 * A seeded table whose columns span the troubles of real data: scales from 1e-3 to 1e4, a skewed
 * column, a discrete column with many ties and a constant column.
 */
final class SyntheticTable {

    /** The number of columns. */
    static final int DIM = 7;
    /** {@code 5 + 0.001 N(0, 1)}: a tiny spread far from 0. */
    static final int TINY = 0;
    /** {@code 100 + 10^4 N(0, 1)}. */
    static final int HUGE = 1;
    /** {@code exp(N(0, 1))}: log-normal, long right tail. */
    static final int SKEWED = 2;
    /** Binomial(5, 0.3): the integers 0..5 with many ties. */
    static final int DISCRETE = 3;
    /** Always {@link #CONSTANT_VALUE}. */
    static final int CONSTANT = 4;
    /** Uniform on [-2, 3]. */
    static final int UNIFORM = 5;
    /** N(0, 1). */
    static final int NORMAL = 6;
    /** The value of the constant column. */
    static final float CONSTANT_VALUE = 0.5f;

    private SyntheticTable() {
    }

    /**
     * @param rows the number of rows
     * @param seed the seed
     * @return the table, row-major {@code [rows, DIM]}
     */
    static float[] draw(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] t = new float[rows * DIM];
        for (int r = 0; r < rows; r++) {
            int o = r * DIM;
            t[o + TINY] = (float) (5 + 1e-3 * gaussian(rng));
            t[o + HUGE] = (float) (100 + 1e4 * gaussian(rng));
            t[o + SKEWED] = (float) Math.exp(gaussian(rng));
            int successes = 0;
            for (int i = 0; i < 5; i++) {
                successes += rng.nextDouble() < 0.3 ? 1 : 0;
            }
            t[o + DISCRETE] = successes;
            t[o + CONSTANT] = CONSTANT_VALUE;
            t[o + UNIFORM] = (float) (-2 + 5 * rng.nextDouble());
            t[o + NORMAL] = (float) gaussian(rng);
        }
        return t;
    }

    /** A standard-normal draw by the Box-Muller transform. */
    static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /** @return column {@code j} of a row-major table with {@code dim} columns */
    static double[] column(float[] t, int dim, int j) {
        double[] c = new double[t.length / dim];
        for (int r = 0; r < c.length; r++) {
            c[r] = t[r * dim + j];
        }
        return c;
    }

    /** @return the population standard deviation */
    static double std(double[] v) {
        double mean = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / v.length);
    }

    /** @return the mean */
    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** @return the largest absolute value, the scale of float rounding in the column */
    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** @return the smallest value */
    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    /** @return the largest value */
    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** @return the table widened to float64 */
    static double[] widen(float[] t) {
        double[] d = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            d[i] = t[i];
        }
        return d;
    }

    /**
     * Rows beyond the training range: in each non-constant column, alternately 5 standard deviations
     * below the minimum and above the maximum
     * by up to 5 standard deviations; the constant column keeps its value.
     *
     * @param t the training table
     * @param rows the number of rows to make
     * @return the rows, row-major {@code [rows, DIM]}
     */
    static float[] beyond(float[] t, int rows) {
        float[] out = new float[rows * DIM];
        for (int j = 0; j < DIM; j++) {
            double[] c = column(t, DIM, j);
            double s = std(c);
            for (int r = 0; r < rows; r++) {
                double distance = 5 * s * (r + 1) / rows;
                out[r * DIM + j] = j == CONSTANT ? CONSTANT_VALUE
                        : (float) ((r + j) % 2 == 0 ? min(c) - distance : max(c) + distance);
            }
        }
        return out;
    }
}

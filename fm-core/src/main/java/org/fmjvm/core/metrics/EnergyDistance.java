package org.fmjvm.core.metrics;

import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The squared energy distance between a sample set {@code X} and a fixed reference set {@code Y},
 * as the V-statistic of the reference script:
 * {@code D^2 = 2 E|X - Y| - E|X - X'| - E|Y - Y'|}, each expectation the mean Euclidean distance over
 * all {@code n * m} (or {@code n * n}, diagonal included) pairs. It is {@code >= 0}, zero for
 * identical sets, and grows as the sets move apart. All arithmetic is float64.
 *
 * <p>The reference term {@code E|Y - Y'|} is computed once, in the constructor. Pair sums run in
 * parallel over fixed blocks of rows (one partial sum per block, blocks added in order), so the
 * result is bit-for-bit the same whatever the number of threads.
 *
 * <p>Thread safety: immutable after construction and thread-safe.
 */
public final class EnergyDistance {

    /** Rows of {@code X} per parallel task: fixed, so the summation order never depends on threads. */
    private static final int BLOCK = 64;

    private final int dim;
    private final int m;
    private final double[][] reference; // column-major: reference[d][j]
    private final double referenceSelf;

    /**
     * @param reference the reference set {@code Y}, row-major {@code m x dim}, {@code m >= 1}
     * @param dim the number of coordinates per point, {@code >= 1}
     */
    public EnergyDistance(float[] reference, int dim) {
        this.dim = dim;
        this.m = rows(reference, dim, "reference");
        this.reference = columns(reference, m, dim);
        this.referenceSelf = meanSelfDistance(this.reference, m);
    }

    /** @return the dimension of the points */
    public int dim() {
        return dim;
    }

    /** @return the number of reference points {@code m} */
    public int referenceSize() {
        return m;
    }

    /** @return the cached {@code E|Y - Y'|} of the reference set (mean over all {@code m^2} pairs) */
    public double referenceSelfDistance() {
        return referenceSelf;
    }

    /**
     * @param x the sample set {@code X}, row-major {@code n x dim}, {@code n >= 1}
     * @return {@code D^2(X, Y) = 2 E|X - Y| - E|X - X'| - E|Y - Y'|}
     */
    public double distance(float[] x) {
        int n = rows(x, dim, "x");
        double[][] xc = columns(x, n, dim);
        return 2 * meanCrossDistance(xc, n, reference, m) - meanSelfDistance(xc, n) - referenceSelf;
    }

    /**
     * @param x a set {@code X}, row-major {@code n x dim}
     * @param y a set {@code Y}, row-major {@code m x dim}
     * @param dim the number of coordinates per point
     * @return {@code D^2(X, Y)}, symmetric in its arguments
     */
    public static double between(float[] x, float[] y, int dim) {
        return new EnergyDistance(y, dim).distance(x);
    }

    /**
     * @param x a set {@code X}, row-major {@code n x dim}
     * @param y a set {@code Y}, row-major {@code m x dim}
     * @param dim the number of coordinates per point
     * @return {@code E|X - Y|}: the mean Euclidean distance over all {@code n * m} pairs
     */
    public static double meanPairwiseDistance(float[] x, float[] y, int dim) {
        int n = rows(x, dim, "x");
        int m = rows(y, dim, "y");
        return meanCrossDistance(columns(x, n, dim), n, columns(y, m, dim), m);
    }

    private static int rows(float[] points, int dim, String what) {
        Objects.requireNonNull(points, what);
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        if (points.length == 0 || points.length % dim != 0) {
            throw new IllegalArgumentException(what + " must hold a positive multiple of dim = " + dim
                    + " values, got " + points.length);
        }
        return points.length / dim;
    }

    private static double[][] columns(float[] points, int n, int dim) {
        double[][] c = new double[dim][n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < dim; d++) {
                c[d][i] = points[i * dim + d];
            }
        }
        return c;
    }

    /** Mean over all n * m pairs of |a_i - b_j|. */
    static double meanCrossDistance(double[][] a, int n, double[][] b, int m) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        IntStream.range(0, blocks).parallel().forEach(k -> {
            double s = 0;
            for (int i = k * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
                s += rowSum(a, i, b, 0, m);
            }
            partial[k] = s;
        });
        return sumInOrder(partial) / ((double) n * m);
    }

    /** Mean over all n * n pairs (diagonal included, where it is 0) of |a_i - a_j|, via i < j. */
    static double meanSelfDistance(double[][] a, int n) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] partial = new double[blocks];
        IntStream.range(0, blocks).parallel().forEach(k -> {
            double s = 0;
            for (int i = k * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
                s += rowSum(a, i, a, i + 1, n);
            }
            partial[k] = s;
        });
        return 2 * sumInOrder(partial) / ((double) n * n);
    }

    private static double sumInOrder(double[] partial) {
        double s = 0;
        for (double v : partial) {
            s += v;
        }
        return s;
    }

    /** Sum over j in [from, to) of |a_i - b_j|, with four independent accumulators. */
    private static double rowSum(double[][] a, int i, double[][] b, int from, int to) {
        int dim = a.length;
        if (dim == 2) {
            return rowSum2(a[0][i], a[1][i], b[0], b[1], from, to);
        }
        if (dim == 1) {
            return rowSum1(a[0][i], b[0], from, to);
        }
        double[] xi = new double[dim];
        for (int d = 0; d < dim; d++) {
            xi[d] = a[d][i];
        }
        double s = 0;
        for (int j = from; j < to; j++) {
            double q = 0;
            for (int d = 0; d < dim; d++) {
                double diff = b[d][j] - xi[d];
                q += diff * diff;
            }
            s += Math.sqrt(q);
        }
        return s;
    }

    private static double rowSum2(double x0, double x1, double[] b0, double[] b1, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = from;
        for (; j + 3 < to; j += 4) {
            double u0 = b0[j] - x0;
            double v0 = b1[j] - x1;
            double u1 = b0[j + 1] - x0;
            double v1 = b1[j + 1] - x1;
            double u2 = b0[j + 2] - x0;
            double v2 = b1[j + 2] - x1;
            double u3 = b0[j + 3] - x0;
            double v3 = b1[j + 3] - x1;
            s0 += Math.sqrt(u0 * u0 + v0 * v0);
            s1 += Math.sqrt(u1 * u1 + v1 * v1);
            s2 += Math.sqrt(u2 * u2 + v2 * v2);
            s3 += Math.sqrt(u3 * u3 + v3 * v3);
        }
        for (; j < to; j++) {
            double u = b0[j] - x0;
            double v = b1[j] - x1;
            s0 += Math.sqrt(u * u + v * v);
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double rowSum1(double x0, double[] b0, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        int j = from;
        for (; j + 1 < to; j += 2) {
            s0 += Math.abs(b0[j] - x0);
            s1 += Math.abs(b0[j + 1] - x0);
        }
        if (j < to) {
            s0 += Math.abs(b0[j] - x0);
        }
        return s0 + s1;
    }
}

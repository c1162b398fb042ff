package org.fmjvm.core.metrics;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

import org.fmjvm.api.random.Rng;

/**
 * The sliced 2-Wasserstein distance over a fixed set of unit directions {@code theta_1..theta_L}:
 * {@code SW2(X, Y) = sqrt( mean_l W2^2(theta_l . X, theta_l . Y) )}, where {@code W2^2} of two 1D
 * empirical distributions is exact: for equal sizes the mean squared difference of the sorted
 * projections, for unequal sizes the integral over {@code u in [0, 1]} of the squared difference of
 * their quantile functions. All arithmetic is float64, as in the reference script (which uses 256
 * directions).
 *
 * <p>Projections are processed in parallel, one result per direction, and averaged in direction
 * order, so the value does not depend on the number of threads.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class SlicedWasserstein {

    /** The reference script's number of directions. */
    public static final int DEFAULT_PROJECTIONS = 256;

    private final int dim;
    private final int projections;
    private final double[] directions; // row-major projections x dim, unit rows

    /**
     * @param dim the dimension of the points, {@code >= 1}
     * @param directions row-major {@code L x dim} directions, {@code L >= 1}; each row is normalised
     *     to unit length (a zero row is rejected)
     */
    public SlicedWasserstein(int dim, double[] directions) {
        Objects.requireNonNull(directions, "directions");
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        if (directions.length == 0 || directions.length % dim != 0) {
            throw new IllegalArgumentException("directions must hold a positive multiple of dim = " + dim
                    + " values, got " + directions.length);
        }
        this.dim = dim;
        this.projections = directions.length / dim;
        this.directions = directions.clone();
        for (int l = 0; l < projections; l++) {
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                norm += this.directions[l * dim + d] * this.directions[l * dim + d];
            }
            norm = Math.sqrt(norm);
            if (!(norm > 0) || !Double.isFinite(norm)) {
                throw new IllegalArgumentException("direction " + l + " has norm " + norm + "; directions must be "
                        + "finite and non-zero");
            }
            for (int d = 0; d < dim; d++) {
                this.directions[l * dim + d] /= norm;
            }
        }
    }

    /**
     * Draws directions uniformly on the unit sphere: {@code dim} normals from {@code rng} per
     * direction, normalised (as the reference's {@code random_directions}).
     *
     * @param dim the dimension, {@code >= 1}
     * @param projections the number of directions {@code L >= 1}
     * @param rng the generator to draw from
     * @return the metric over those directions
     */
    public static SlicedWasserstein random(int dim, int projections, Rng rng) {
        Objects.requireNonNull(rng, "rng");
        if (dim < 1 || projections < 1) {
            throw new IllegalArgumentException("need dim >= 1 and projections >= 1, got " + dim + " and " + projections);
        }
        double[] th = new double[Math.multiplyExact(dim, projections)];
        for (int l = 0; l < projections; l++) {
            double norm;
            do {
                norm = 0;
                for (int d = 0; d < dim; d++) {
                    double z = rng.nextGaussian();
                    th[l * dim + d] = z;
                    norm += z * z;
                }
            } while (norm == 0);
        }
        return new SlicedWasserstein(dim, th);
    }

    /** @return the dimension of the points */
    public int dim() {
        return dim;
    }

    /** @return the number of directions {@code L} */
    public int projections() {
        return projections;
    }

    /**
     * @param l a direction index in {@code [0, L)}
     * @return a copy of that unit direction
     */
    public double[] direction(int l) {
        return Arrays.copyOfRange(directions, l * dim, (l + 1) * dim);
    }

    /**
     * @param x a set, row-major {@code n x dim}, {@code n >= 1}
     * @param y a set, row-major {@code m x dim}, {@code m >= 1} (need not equal {@code n})
     * @return {@code SW2(X, Y)}, {@code >= 0}
     */
    public double distance(float[] x, float[] y) {
        int n = rows(x, "x");
        int m = rows(y, "y");
        double[] perDirection = new double[projections];
        IntStream.range(0, projections).parallel().forEach(l -> {
            double[] px = project(x, n, l);
            double[] py = project(y, m, l);
            Arrays.sort(px);
            Arrays.sort(py);
            perDirection[l] = w2SquaredSorted(px, py);
        });
        double s = 0;
        for (double v : perDirection) {
            s += v;
        }
        return Math.sqrt(s / projections);
    }

    private double[] project(float[] points, int n, int l) {
        double[] out = new double[n];
        int base = l * dim;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int d = 0; d < dim; d++) {
                s += points[i * dim + d] * directions[base + d];
            }
            out[i] = s;
        }
        return out;
    }

    private int rows(float[] points, String what) {
        Objects.requireNonNull(points, what);
        if (points.length == 0 || points.length % dim != 0) {
            throw new IllegalArgumentException(what + " must hold a positive multiple of dim = " + dim
                    + " values, got " + points.length);
        }
        return points.length / dim;
    }

    /**
     * The exact squared 2-Wasserstein distance between two 1D empirical distributions.
     *
     * @param a samples of the first distribution (any order), at least one
     * @param b samples of the second distribution (any order), at least one
     * @return {@code W2^2}: the mean of {@code (a_(i) - b_(i))^2} over sorted samples when the sizes
     *     are equal, else {@code integral_0^1 (F_a^-1(u) - F_b^-1(u))^2 du}
     */
    public static double w2Squared1d(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("both sample sets must be non-empty");
        }
        double[] sa = a.clone();
        double[] sb = b.clone();
        Arrays.sort(sa);
        Arrays.sort(sb);
        return w2SquaredSorted(sa, sb);
    }

    private static double w2SquaredSorted(double[] a, double[] b) {
        int n = a.length;
        int m = b.length;
        if (n == m) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double diff = a[i] - b[i];
                s += diff * diff;
            }
            return s / n;
        }
        // Quantile functions are steps: a_(i) on (i/n, (i+1)/n], b_(j) on (j/m, (j+1)/m].
        // Walk the merged breakpoints, comparing (i+1)/n and (j+1)/m exactly as (i+1)*m vs (j+1)*n.
        double s = 0;
        long nm = (long) n * m;
        long u = 0; // current breakpoint times n*m
        int i = 0;
        int j = 0;
        while (i < n && j < m) {
            long ea = (long) (i + 1) * m;
            long eb = (long) (j + 1) * n;
            long next = Math.min(ea, eb);
            double diff = a[i] - b[j];
            s += (double) (next - u) * diff * diff;
            u = next;
            if (ea == next) {
                i++;
            }
            if (eb == next) {
                j++;
            }
        }
        return s / nm;
    }
}

package org.fmjvm.api.density;

/**
 * The exact log density {@code log q(x)} of a distribution, in nats, evaluated in float64: what a
 * source distribution offers so that a flow's likelihood {@code log p1(x1) = log p0(x0) - integral
 * div v dt} can be computed, and what a target with a closed form offers to metrics.
 *
 * <p>Thread safety: implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface LogDensity {

    /**
     * @param points a row-major array of points with the distribution's dimension {@code dim}
     * @param row which row: coordinates {@code [row * dim, (row + 1) * dim)}
     * @return {@code log q(x_row)} in nats; {@code Double.NEGATIVE_INFINITY} outside the support
     * @throws ArrayIndexOutOfBoundsException if the row is not in the array
     */
    double at(float[] points, int row);

    /**
     * The standard normal {@code N(0, I_dim)}: {@code log p(x) = -dim/2 log(2 pi) - |x|^2 / 2}.
     *
     * @param dim the dimension, {@code >= 1}
     * @return its log density
     * @throws IllegalArgumentException if {@code dim < 1}
     */
    static LogDensity standardNormal(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be >= 1, got " + dim);
        }
        double constant = -0.5 * dim * Math.log(2 * Math.PI);
        return (points, row) -> {
            int base = row * dim;
            if (row < 0 || base + dim > points.length) {
                throw new ArrayIndexOutOfBoundsException("row " + row + " is not in an array of "
                        + points.length / dim + " points of dimension " + dim);
            }
            double s = 0;
            for (int d = 0; d < dim; d++) {
                double v = points[base + d];
                s += v * v;
            }
            return constant - 0.5 * s;
        };
    }
}

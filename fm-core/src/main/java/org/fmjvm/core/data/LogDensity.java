package org.fmjvm.core.data;

/**
 * The exact log density {@code log q(x)} of a distribution, in nats, evaluated in float64.
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
}

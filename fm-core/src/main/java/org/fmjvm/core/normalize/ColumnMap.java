package org.fmjvm.core.normalize;

/**
 * The strictly increasing map of one data column {@code x} to one model coordinate {@code z}, in
 * float64. Implementations are immutable and thread-safe.
 */
sealed interface ColumnMap permits IdentityColumn, StandardColumn, MinMaxColumn, QuantileColumn {

    /**
     * @param x a finite data value
     * @return {@code z(x)}
     */
    double forward(double x);

    /**
     * @param z a finite model value
     * @return {@code x(z)}, the inverse of {@link #forward}
     */
    double backward(double z);

    /**
     * @param x a finite data value
     * @return {@code log(dz/dx)} at {@code x}, finite
     */
    double logDerivative(double x);
}

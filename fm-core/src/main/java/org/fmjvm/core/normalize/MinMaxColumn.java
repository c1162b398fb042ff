package org.fmjvm.core.normalize;

/**
 * {@code z = 2 (x - min) / (max - min) - 1}: maps the training range [min, max] onto [-1, 1], with
 * {@code min} going to exactly -1 and {@code max} to exactly 1.
 *
 * <p>Thread safety: immutable.
 */
final class MinMaxColumn implements ColumnMap {

    private final double min;
    private final double max;
    private final double width;
    private final double logDerivative;

    /**
     * @param min the smallest training value, finite
     * @param max the largest training value, finite, with {@code max - min} finite and positive
     */
    MinMaxColumn(double min, double max) {
        this.min = min;
        this.max = max;
        this.width = max - min;
        this.logDerivative = StrictMath.log(2 / width);
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    @Override
    public double forward(double x) {
        return 2 * ((x - min) / width) - 1;
    }

    @Override
    public double backward(double z) {
        return min + (z + 1) * 0.5 * width;
    }

    /** {@code log(2 / (max - min))}, the same everywhere. */
    @Override
    public double logDerivative(double x) {
        return logDerivative;
    }
}

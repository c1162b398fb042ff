package org.fmjvm.core.normalize;

/**
 * {@code z = (x - mean) / std}: standardisation with the population standard deviation.
 *
 * <p>Thread safety: immutable.
 */
final class StandardColumn implements ColumnMap {

    private final double mean;
    private final double std;
    private final double logDerivative;

    /**
     * @param mean the column's mean, finite
     * @param std the column's population standard deviation, finite and positive
     */
    StandardColumn(double mean, double std) {
        this.mean = mean;
        this.std = std;
        this.logDerivative = -StrictMath.log(std);
    }

    /**
     * Fits the column.
     *
     * @param values the training values, finite, not all equal
     * @return the mean and the population standard deviation (dividing by n), both in two passes
     */
    static StandardColumn fit(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new StandardColumn(mean, Math.sqrt(squares / values.length));
    }

    double mean() {
        return mean;
    }

    double std() {
        return std;
    }

    @Override
    public double forward(double x) {
        return (x - mean) / std;
    }

    @Override
    public double backward(double z) {
        return z * std + mean;
    }

    /** {@code -log std}, the same everywhere. */
    @Override
    public double logDerivative(double x) {
        return logDerivative;
    }
}

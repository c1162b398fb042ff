package org.fmjvm.core.metrics;

/**
 * Running mean and variance (Welford) in float64.
 *
 * <p>Thread safety: not thread-safe (a mutable accumulator).
 */
final class Moments {
    private long count;
    private double mean;
    private double m2;

    /** @param x a value to include */
    void add(double x) {
        count++;
        double delta = x - mean;
        mean += delta / count;
        m2 += delta * (x - mean);
    }

    /** @return the number of values */
    long count() {
        return count;
    }

    /** @return their mean ({@code NaN} when empty) */
    double mean() {
        return count == 0 ? Double.NaN : mean;
    }

    /** @return the unbiased sample standard deviation ({@code n - 1}; {@code NaN} below two values) */
    double sd() {
        return count < 2 ? Double.NaN : Math.sqrt(m2 / (count - 1));
    }

    /** @return {@code sd / sqrt(n)} */
    double standardError() {
        return sd() / Math.sqrt(count);
    }
}

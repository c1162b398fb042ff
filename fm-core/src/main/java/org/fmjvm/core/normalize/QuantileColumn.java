package org.fmjvm.core.normalize;

import java.util.Arrays;

/**
 * The quantile map of one column to a standard normal: {@code z = Phi^-1(u(x))}, where {@code u} is
 * the piecewise-linear interpolation of the column's (smoothed) empirical distribution function
 * through knots {@code (x_k, u_k)}, and {@code z} continues linearly beyond the first and the last
 * knot with the slope {@code dz/dx} it has there.
 *
 * <p>The map is strictly increasing and continuous on the whole real line, so it is invertible
 * everywhere, and {@code log(dz/dx)} is finite everywhere: inside segment {@code k},
 * {@code dz/dx = s_k / phi(z)} with {@code s_k = (u_{k+1} - u_k) / (x_{k+1} - x_k)}; it jumps at
 * the inner knots (the map is piecewise smooth) and is continuous at the two end knots.
 *
 * <p>Thread safety: immutable.
 */
final class QuantileColumn implements ColumnMap {

    /** The smallest knot probability; the largest is {@code 1 - U_MIN}, so every {@code z_k} is finite. */
    static final double U_MIN = 1e-7;

    private final double[] x;
    private final double[] u;
    private final double[] z;
    private final double[] slope;
    private final double[] logSlope;
    private final double leftSlope;
    private final double rightSlope;
    private final double logLeftSlope;
    private final double logRightSlope;

    /**
     * @param x the knots in data space; {@link #problem} must accept them with {@code u}
     * @param u the knots' probabilities
     * @throws IllegalArgumentException with the text of {@link #problem} if the knots are invalid
     */
    QuantileColumn(double[] x, double[] u) {
        String problem = problem(x, u);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        int n = x.length;
        this.x = x.clone();
        this.u = u.clone();
        this.z = new double[n];
        for (int k = 0; k < n; k++) {
            z[k] = StandardNormal.inverseCdf(u[k]);
        }
        this.slope = new double[n - 1];
        this.logSlope = new double[n - 1];
        for (int k = 0; k < n - 1; k++) {
            slope[k] = (u[k + 1] - u[k]) / (x[k + 1] - x[k]);
            logSlope[k] = StrictMath.log(slope[k]);
        }
        this.leftSlope = slope[0] / StandardNormal.density(z[0]);
        this.rightSlope = slope[n - 2] / StandardNormal.density(z[n - 1]);
        this.logLeftSlope = logSlope[0] + 0.5 * z[0] * z[0] + StandardNormal.LOG_SQRT_2PI;
        this.logRightSlope = logSlope[n - 2] + 0.5 * z[n - 1] * z[n - 1] + StandardNormal.LOG_SQRT_2PI;
    }

    /**
     * Checks knots read from a file or computed by {@link #fit}.
     *
     * @param x the knots in data space
     * @param u their probabilities
     * @return {@code null} if they define a valid map, else one line naming the first bad entry, e.g.
     *     {@code x[3] = 1.0 does not exceed x[2] = 1.0; knots must be strictly increasing}
     */
    static String problem(double[] x, double[] u) {
        if (x.length != u.length) {
            return "x has " + x.length + " knots but u has " + u.length + "; they must have the same length";
        }
        if (x.length < 2) {
            return "x and u have " + x.length + " knot" + (x.length == 1 ? "" : "s") + "; at least 2 are needed";
        }
        for (int k = 0; k < x.length; k++) {
            if (!Double.isFinite(x[k])) {
                return "x[" + k + "] is " + x[k] + "; knots must be finite";
            }
            if (!(u[k] >= U_MIN && u[k] <= 1 - U_MIN)) {
                return "u[" + k + "] = " + u[k] + " is outside [" + U_MIN + ", " + (1 - U_MIN) + "]";
            }
            if (k > 0 && !(x[k] > x[k - 1])) {
                return "x[" + k + "] = " + x[k] + " does not exceed x[" + (k - 1) + "] = " + x[k - 1]
                        + "; knots must be strictly increasing";
            }
            if (k > 0 && !(u[k] > u[k - 1])) {
                return "u[" + k + "] = " + u[k] + " does not exceed u[" + (k - 1) + "] = " + u[k - 1]
                        + "; knots must be strictly increasing";
            }
        }
        double previous = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < x.length; k++) {
            double zk = StandardNormal.inverseCdf(u[k]);
            if (!(zk > previous)) {
                return "u[" + k + "] = " + u[k] + " is too close to u[" + (k - 1) + "] = " + u[k - 1]
                        + " to give a larger normal quantile";
            }
            previous = zk;
            if (k > 0) {
                double s = (u[k] - u[k - 1]) / (x[k] - x[k - 1]);
                if (!(s > 0 && s < Double.POSITIVE_INFINITY)) {
                    return "segment " + (k - 1) + " from x = " + x[k - 1] + " to " + x[k] + " has slope du/dx = " + s
                            + "; it must be finite and positive";
                }
            }
        }
        return null;
    }

    /**
     * Fits the knots to a column.
     *
     * <p>Knot positions: the empirical quantiles at {@code K = min(maxKnots, n)} evenly spaced
     * probabilities {@code p = k / (K - 1)}, each the order statistic nearest to position
     * {@code p (n - 1)} (0-based). So every knot is a training value, the first is the minimum and the
     * last the maximum, and with {@code n <= maxKnots} the knots are all the data. Equal quantiles
     * (ties in a discrete column) merge into one knot.
     *
     * <p>Knot probabilities: the empirical distribution function taken at the middle of its jump. At
     * a knot {@code v}, {@code u = (#{x_i < v} + #{x_i <= v}) / (2n)}: for a value that occurs once as
     * the i-th smallest this is {@code (i - 1/2) / n} (Hazen's plotting position), and for a value
     * that occurs c times it is the middle of its tied probability range. So the minimum and the
     * maximum map to finite {@code z = Phi^-1(c / 2n)}, and {@code u} is clamped to
     * {@code [U_MIN, 1 - U_MIN]} only above five million rows.
     *
     * @param sorted the training values in ascending order, finite, not all equal
     * @param maxKnots the largest number of knots, at least 2
     * @return the map
     */
    static QuantileColumn fit(double[] sorted, int maxKnots) {
        int n = sorted.length;
        int count = Math.min(maxKnots, n);
        double[] xs = new double[count];
        double[] us = new double[count];
        int m = 0;
        for (int k = 0; k < count; k++) {
            double v = sorted[(int) Math.round((double) ((long) k * (n - 1)) / (count - 1))] + 0.0;
            if (m > 0 && v <= xs[m - 1]) {
                continue;
            }
            double middle = (countBelow(sorted, v) + countAtMost(sorted, v)) / (2.0 * n);
            double w = Math.min(Math.max(middle, U_MIN), 1 - U_MIN);
            if (m > 0 && (w <= us[m - 1] || StandardNormal.inverseCdf(w) <= StandardNormal.inverseCdf(us[m - 1]))) {
                continue; // defensive: a knot clamped to U_MIN or 1 - U_MIN must not meet its neighbour
            }
            xs[m] = v;
            us[m] = w;
            m++;
        }
        return new QuantileColumn(Arrays.copyOf(xs, m), Arrays.copyOf(us, m));
    }

    /** {@code #{sorted[i] < v}}. */
    private static int countBelow(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {@code #{sorted[i] <= v}}. */
    private static int countAtMost(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** @return a copy of the knots in data space */
    double[] x() {
        return x.clone();
    }

    /** @return a copy of the knots' probabilities */
    double[] u() {
        return u.clone();
    }

    /** The largest {@code k <= last - 1} with {@code knots[k] <= v}, for {@code knots[0] <= v}. */
    private static int segment(double[] knots, double v) {
        int lo = 0;
        int hi = knots.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (knots[mid] <= v) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public double forward(double v) {
        int last = x.length - 1;
        if (v < x[0]) {
            return z[0] + (v - x[0]) * leftSlope;
        }
        if (v > x[last]) {
            return z[last] + (v - x[last]) * rightSlope;
        }
        return inside(segment(x, v), v);
    }

    /** {@code z} at {@code v} inside segment {@code k}. */
    private double inside(int k, double v) {
        if (v == x[k]) {
            return z[k];
        }
        if (v == x[k + 1]) {
            return z[k + 1];
        }
        double w = u[k] + (v - x[k]) * slope[k];
        return StandardNormal.inverseCdf(Math.min(Math.max(w, u[k]), u[k + 1]));
    }

    @Override
    public double backward(double w) {
        int last = x.length - 1;
        if (w < z[0]) {
            return x[0] + (w - z[0]) / leftSlope;
        }
        if (w > z[last]) {
            return x[last] + (w - z[last]) / rightSlope;
        }
        int k = segment(z, w);
        if (w == z[k]) {
            return x[k];
        }
        if (w == z[k + 1]) {
            return x[k + 1];
        }
        double p = Math.min(Math.max(StandardNormal.cdf(w), u[k]), u[k + 1]);
        return Math.min(x[k] + (p - u[k]) / slope[k], x[k + 1]);
    }

    /**
     * {@code log(dz/dx)}: {@code log s_k - log phi(z)} inside segment {@code k} (at an inner knot, the
     * segment to its right), and the log of the end slope beyond the end knots.
     */
    @Override
    public double logDerivative(double v) {
        int last = x.length - 1;
        if (v < x[0]) {
            return logLeftSlope;
        }
        if (v > x[last]) {
            return logRightSlope;
        }
        int k = segment(x, v);
        double zv = inside(k, v);
        return logSlope[k] + 0.5 * zv * zv + StandardNormal.LOG_SQRT_2PI;
    }
}

package org.fmjvm.core.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * The two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value.
 *
 * <p>The statistic is exact: {@code D = sup_x |F_a(x) - F_b(x)|}, where {@code F_a} and {@code F_b} are
 * the empirical distribution functions of the two samples. Both samples are sorted and walked together;
 * at each distinct value every copy of it in either sample is stepped past before the difference is
 * taken, so ties (within a sample or across both) are counted correctly: identical samples give
 * {@code D = 0}, samples with no overlap in range give {@code D = 1}. All arithmetic is float64.
 *
 * <p>Thread safety: stateless and thread-safe.
 */
public final class KolmogorovSmirnov {

    private KolmogorovSmirnov() {
    }

    /**
     * @param a the first sample, at least one value, no NaN
     * @param b the second sample, at least one value, no NaN
     * @return {@code D = sup_x |F_a(x) - F_b(x)|}, in {@code [0, 1]}
     */
    public static double statistic(double[] a, double[] b) {
        double[] x = sorted(a, "a");
        double[] y = sorted(b, "b");
        int n = x.length;
        int m = y.length;
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < n && j < m) {
            double v = x[i] <= y[j] ? x[i] : y[j];
            while (i < n && x[i] <= v) {
                i++;
            }
            while (j < m && y[j] <= v) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / n - (double) j / m));
        }
        // once one sample is used up its F is 1 and the other's only climbs towards 1: no larger gap
        return d;
    }

    /**
     * The asymptotic p-value of the two-sided test that both samples come from one continuous
     * distribution: {@code Q_KS(lambda)} with {@code lambda = (sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * D} and
     * the effective size {@code ne = n m / (n + m)} (Stephens' small-sample correction), where
     * {@code Q_KS(lambda) = 2 sum_{k >= 1} (-1)^(k-1) exp(-2 k^2 lambda^2)} is the Kolmogorov
     * distribution's upper tail. It is approximate for small samples and conservative (too large) when
     * the data have ties, as discrete columns do.
     *
     * @param d the statistic, in {@code [0, 1]}
     * @param n the first sample's size, {@code >= 1}
     * @param m the second sample's size, {@code >= 1}
     * @return the p-value in {@code [0, 1]}
     */
    public static double pValue(double d, int n, int m) {
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException("the KS statistic must be in [0, 1], got " + d);
        }
        if (n < 1 || m < 1) {
            throw new IllegalArgumentException("sample sizes must be >= 1, got " + n + " and " + m);
        }
        double ne = (double) n * m / ((double) n + m);
        double root = Math.sqrt(ne);
        return kolmogorovTail((root + 0.12 + 0.11 / root) * d);
    }

    /**
     * @param lambda the argument, {@code >= 0}
     * @return {@code Q_KS(lambda) = P(K > lambda)} for Kolmogorov's limiting distribution
     */
    static double kolmogorovTail(double lambda) {
        if (lambda <= 0) {
            return 1;
        }
        if (lambda < 1.18) {
            // the equivalent theta-function form converges fast for small lambda:
            // P(K <= lambda) = sqrt(2 pi) / lambda * sum_{k >= 1} exp(-(2k - 1)^2 pi^2 / (8 lambda^2))
            double c = -Math.PI * Math.PI / (8 * lambda * lambda);
            double s = 0;
            for (int k = 1; k <= 8; k++) {
                int odd = 2 * k - 1;
                s += Math.exp(c * odd * odd);
            }
            return clamp(1 - Math.sqrt(2 * Math.PI) / lambda * s);
        }
        double s = 0;
        double sign = 1;
        for (int k = 1; k <= 20; k++) {
            s += sign * Math.exp(-2.0 * k * k * lambda * lambda);
            sign = -sign;
        }
        return clamp(2 * s);
    }

    private static double clamp(double p) {
        return Math.max(0, Math.min(1, p));
    }

    private static double[] sorted(double[] v, String what) {
        Objects.requireNonNull(v, what);
        if (v.length == 0) {
            throw new IllegalArgumentException("sample " + what + " is empty; the KS statistic needs values");
        }
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            if (Double.isNaN(out[i])) {
                throw new IllegalArgumentException("sample " + what + " holds NaN at index " + i
                        + "; remove or impute missing values first");
            }
        }
        Arrays.sort(out);
        return out;
    }
}

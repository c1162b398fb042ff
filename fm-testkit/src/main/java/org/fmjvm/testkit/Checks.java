package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;

import org.fmjvm.api.Tensor;

/** Comparison helpers shared by the contract suites. Stateless. */
final class Checks {
    /** Relative tolerance for float32 results against a float64 reference. */
    static final double FLOAT32_TOL = 1e-5;
    /** Relative tolerance for float64 results. */
    static final double FLOAT64_TOL = 1e-12;

    private Checks() {
    }

    /**
     * Asserts shape equality and {@code |got - want| <= tol * max(1, |want|)} elementwise.
     */
    static void assertClose(String what, Tensor got, HostArray want, double tol) {
        assertThat(got.shape()).as(what + ": shape").containsExactly(want.shape);
        assertClose(what, got.toDoubleArray(), want.data, tol);
    }

    static void assertClose(String what, double[] got, double[] want, double tol) {
        assertThat(got.length).as(what + ": element count").isEqualTo(want.length);
        for (int i = 0; i < got.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (!(err <= tol * Math.max(1, Math.abs(want[i])))) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i] + " (error " + err
                        + ", tolerance " + tol + " relative)\n got: " + head(got) + "\nwant: " + head(want));
            }
        }
    }

    /**
     * Asserts {@code |got - want| <= tol * scale} with one scale for the whole array.
     */
    static void assertCloseScaled(String what, double[] got, double[] want, double tol, double scale) {
        assertThat(got.length).as(what + ": element count").isEqualTo(want.length);
        for (int i = 0; i < got.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (!(err <= tol * scale)) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i] + " (error " + err
                        + ", allowed " + tol * scale + ")");
            }
        }
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static double[] flatten(double[][] rows) {
        return Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray();
    }

    private static String head(double[] a) {
        return Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 12))) + (a.length > 12 ? "..." : "");
    }

    /**
     * @param v values
     * @return their mean (NaN if there are none)
     */
    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /**
     * @param v values, at least two
     * @param mean their mean
     * @return the unbiased sample variance (divided by {@code n - 1})
     */
    static double variance(double[] v, double mean) {
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return s / (v.length - 1);
    }
}

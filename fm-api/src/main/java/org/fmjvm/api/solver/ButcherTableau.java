package org.fmjvm.api.solver;

import java.util.Arrays;
import java.util.Objects;

/**
 * The coefficients of an explicit Runge-Kutta method with {@code s} stages: from {@code x} at
 * {@code t}, stage {@code i} evaluates {@code k_i = v(t + c_i h, x + h sum_{j<i} a_ij k_j)} and the
 * step ends at {@code x + h sum_i b_i k_i}. An embedded pair also carries {@code bHat}, whose
 * combination {@code x + h sum_i bHat_i k_i} is a solution of another order; the difference of the
 * two estimates the local error, which adaptive stepping controls. FSAL ("first same as last")
 * means the last stage is evaluated at the new state ({@code a_s = b}, {@code c_s = 1}), so it is
 * the next step's first stage. {@link RungeKutta} runs any tableau.
 *
 * <p>Checked on construction: {@code a} is {@code s x s} (or ragged, row {@code i} holding its
 * {@code i} entries left of the diagonal) and strictly lower triangular (explicit),
 * {@code c_i = sum_j a_ij} within 1e-12, {@code sum b = 1} (and {@code sum bHat = 1}) within
 * 1e-12, and for FSAL the last row of {@code a} equals {@code b}. Arrays are copied in and out.
 * Immutable and thread-safe.
 *
 * @param name the kebab-case name, e.g. {@code rk4}
 * @param a the stage coefficients, {@code s x s} with zeros on and above the diagonal
 * @param b the weights of the solution, length {@code s}
 * @param c the stage times as fractions of the step, length {@code s}, {@code c_0 = 0}
 * @param bHat the weights of the embedded solution, length {@code s}, or empty when there is none
 * @param order the order of the {@code b} solution, {@code >= 1}
 * @param embeddedOrder the order of the {@code bHat} solution, {@code 0} when there is none
 * @param fsal whether the last stage is the next step's first
 */
public record ButcherTableau(String name, double[][] a, double[] b, double[] c, double[] bHat, int order,
        int embeddedOrder, boolean fsal) {

    private static final double EXACT = 1e-12;

    /** Validates and copies. */
    public ButcherTableau {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(bHat, "bHat");
        String where = "tableau '" + name + "': ";
        if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException(where + "the name must be kebab-case");
        }
        int s = b.length;
        if (s < 1 || c.length != s || a.length != s) {
            throw new IllegalArgumentException(where + "b, c and the rows of a must have one entry per stage, got "
                    + b.length + ", " + c.length + " and " + a.length);
        }
        double[][] square = new double[s][s];
        for (int i = 0; i < s; i++) {
            double[] row = Objects.requireNonNull(a[i], "a[" + i + "]");
            if (row.length != i && row.length != s) {
                throw new IllegalArgumentException(where + "row " + i + " of a must have " + i + " or " + s
                        + " entries, got " + row.length);
            }
            for (int j = 0; j < row.length; j++) {
                if (j >= i && row[j] != 0) {
                    throw new IllegalArgumentException(where + "not explicit: a[" + i + "][" + j + "] = " + row[j]
                            + " is on or above the diagonal");
                }
                if (!Double.isFinite(row[j])) {
                    throw new IllegalArgumentException(where + "a[" + i + "][" + j + "] = " + row[j]);
                }
                square[i][j] = row[j];
            }
            double sum = 0;
            for (double v : square[i]) {
                sum += v;
            }
            if (!(Math.abs(c[i] - sum) <= EXACT)) {
                throw new IllegalArgumentException(where + "c[" + i + "] = " + c[i] + " but row " + i + " of a sums to "
                        + sum);
            }
        }
        checkWeights(where + "b", b);
        if (order < 1) {
            throw new IllegalArgumentException(where + "order must be >= 1, got " + order);
        }
        if (bHat.length == 0) {
            if (embeddedOrder != 0) {
                throw new IllegalArgumentException(where + "embedded order " + embeddedOrder + " without bHat");
            }
        } else {
            if (bHat.length != s) {
                throw new IllegalArgumentException(where + "bHat must have " + s + " entries, got " + bHat.length);
            }
            checkWeights(where + "bHat", bHat);
            if (embeddedOrder < 1 || embeddedOrder == order) {
                throw new IllegalArgumentException(where + "embedded order must be >= 1 and differ from the order "
                        + order + ", got " + embeddedOrder);
            }
        }
        if (fsal) {
            if (s < 2 || b[s - 1] != 0 || c[s - 1] != 1) {
                throw new IllegalArgumentException(where + "FSAL needs b[last] = 0 and c[last] = 1");
            }
            for (int j = 0; j < s - 1; j++) {
                if (!(Math.abs(square[s - 1][j] - b[j]) <= EXACT)) {
                    throw new IllegalArgumentException(where + "FSAL needs the last row of a to equal b, but a[" + (s - 1)
                            + "][" + j + "] = " + square[s - 1][j] + " and b[" + j + "] = " + b[j]);
                }
            }
        }
        a = square;
        b = b.clone();
        c = c.clone();
        bHat = bHat.clone();
    }

    private static void checkWeights(String what, double[] w) {
        double sum = 0;
        for (double v : w) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(what + " holds " + v);
            }
            sum += v;
        }
        if (!(Math.abs(sum - 1) <= EXACT)) {
            throw new IllegalArgumentException(what + " must sum to 1, got " + sum);
        }
    }

    /**
     * A method without an error estimate, for fixed steps.
     *
     * @param name kebab-case name
     * @param order its order
     * @param c stage times
     * @param a stage coefficients (ragged rows allowed)
     * @param b weights
     * @return the tableau
     */
    public static ButcherTableau of(String name, int order, double[] c, double[][] a, double[] b) {
        return new ButcherTableau(name, a, b, c, new double[0], order, 0, false);
    }

    /**
     * An embedded pair, for adaptive steps.
     *
     * @param name kebab-case name
     * @param order the order of {@code b}, the solution kept
     * @param embeddedOrder the order of {@code bHat}
     * @param fsal whether the last stage is the next step's first
     * @param c stage times
     * @param a stage coefficients (ragged rows allowed)
     * @param b weights of the solution kept
     * @param bHat weights of the embedded solution
     * @return the tableau
     */
    public static ButcherTableau embedded(String name, int order, int embeddedOrder, boolean fsal, double[] c,
            double[][] a, double[] b, double[] bHat) {
        return new ButcherTableau(name, a, b, c, bHat, order, embeddedOrder, fsal);
    }

    /** @return the number of stages {@code s} */
    public int stages() {
        return b.length;
    }

    /** @return whether it carries {@code bHat}, so adaptive steps are possible */
    public boolean isEmbedded() {
        return bHat.length > 0;
    }

    /** @return velocity evaluations per step once running: {@code s}, or {@code s - 1} when FSAL */
    public int evaluationsPerStep() {
        return fsal ? b.length - 1 : b.length;
    }

    @Override
    public double[][] a() {
        double[][] copy = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            copy[i] = a[i].clone();
        }
        return copy;
    }

    @Override
    public double[] b() {
        return b.clone();
    }

    @Override
    public double[] c() {
        return c.clone();
    }

    @Override
    public double[] bHat() {
        return bHat.clone();
    }

    /** Package access without copies, for the driver. */
    double aAt(int i, int j) {
        return a[i][j];
    }

    double bAt(int i) {
        return b[i];
    }

    double cAt(int i) {
        return c[i];
    }

    double bHatAt(int i) {
        return bHat[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ButcherTableau t && name.equals(t.name) && Arrays.deepEquals(a, t.a)
                && Arrays.equals(b, t.b) && Arrays.equals(c, t.c) && Arrays.equals(bHat, t.bHat) && order == t.order
                && embeddedOrder == t.embeddedOrder && fsal == t.fsal;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.deepHashCode(a), Arrays.hashCode(b), Arrays.hashCode(c),
                Arrays.hashCode(bHat), order, embeddedOrder, fsal);
    }

    @Override
    public String toString() {
        return name + " (" + b.length + " stages, order " + order
                + (isEmbedded() ? "(" + embeddedOrder + ")" : "") + (fsal ? ", FSAL" : "") + ")";
    }
}

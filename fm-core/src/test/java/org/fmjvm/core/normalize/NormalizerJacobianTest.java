package org.fmjvm.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.fmjvm.core.normalize.SyntheticTable.CONSTANT;
import static org.fmjvm.core.normalize.SyntheticTable.DIM;

import java.util.Set;
import java.util.SplittableRandom;

import org.fmjvm.core.normalize.Normalizer.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Normalizer#logAbsDetJacobian} against the log-determinant of the Jacobian of
 * {@code transform}, built column by column from central differences in float64.
 */
class NormalizerJacobianTest {

    private static final int ROWS = 2000;
    private static final float[] TABLE = SyntheticTable.draw(ROWS, 31L);

    /** The data column of model coordinate {@code j}. */
    private static int column(Normalizer n, int j) {
        return n.outputDim() == DIM || j < CONSTANT ? j : j + 1;
    }

    /**
     * log|det J| of {@code transform} at one row, J[a][b] = dz_a / dx_column(b), with per-column
     * steps; asserts that every off-diagonal entry is exactly 0 (each z_a depends on one column).
     */
    private static double numericLogDet(Normalizer n, float[] row, double[] steps) {
        int out = n.outputDim();
        double[][] jac = new double[out][out];
        for (int b = 0; b < out; b++) {
            double[] x = SyntheticTable.widen(row);
            int c = column(n, b);
            double h = steps[b];
            x[c] = row[c] + h;
            double[] up = n.transform(x, 1);
            x[c] = row[c] - h;
            double[] down = n.transform(x, 1);
            for (int a = 0; a < out; a++) {
                jac[a][b] = (up[a] - down[a]) / (2 * h);
            }
        }
        for (int a = 0; a < out; a++) {
            for (int b = 0; b < out; b++) {
                if (a != b) {
                    assertThat(jac[a][b]).as("dz%d/dx%d", a, column(n, b)).isZero();
                }
            }
        }
        return logAbsDet(jac);
    }

    /** log|det| by Gaussian elimination with partial pivoting. */
    private static double logAbsDet(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
            int pivot = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(a[i][k]) > Math.abs(a[pivot][k])) {
                    pivot = i;
                }
            }
            double[] t = a[k];
            a[k] = a[pivot];
            a[pivot] = t;
            sum += Math.log(Math.abs(a[k][k]));
            for (int i = k + 1; i < n; i++) {
                double f = a[i][k] / a[k][k];
                for (int j = k; j < n; j++) {
                    a[i][j] -= f * a[k][j];
                }
            }
        }
        return sum;
    }

    private static double[] stdSteps(Normalizer n, double fraction) {
        double[] steps = new double[n.outputDim()];
        for (int b = 0; b < steps.length; b++) {
            steps[b] = fraction * Math.max(1e-3, SyntheticTable.std(SyntheticTable.column(TABLE, DIM, column(n, b))));
        }
        return steps;
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"NONE", "STANDARD", "MINMAX"})
    void affineKindsMatchFiniteDifferencesOnTrainingRowsAndBeyond(Kind kind) {
        Normalizer n = Normalizer.fit(kind, TABLE, ROWS, DIM, Set.of());
        double[] steps = stdSteps(n, 1e-3);
        SplittableRandom rng = new SplittableRandom(3);
        float[] beyond = SyntheticTable.beyond(TABLE, 20);
        for (int i = 0; i < 40; i++) {
            float[] row = new float[DIM];
            if (i < 20) {
                System.arraycopy(TABLE, rng.nextInt(ROWS) * DIM, row, 0, DIM);
            } else {
                System.arraycopy(beyond, (i - 20) * DIM, row, 0, DIM);
            }
            double expected = numericLogDet(n, row, steps);
            assertThat(n.logAbsDetJacobian(row, 1)[0]).as("row %d", i).isCloseTo(expected, within(1e-6));
        }
        if (kind == Kind.NONE) {
            assertThat(n.logAbsDetJacobian(TABLE, ROWS)).containsOnly(0.0);
        }
    }

    /**
     * Rows whose every column sits inside one quantile segment, at a random float32 point at least 5% of
     * the segment away from every knot (where the derivative jumps), with steps of 1e-4 of the segment.
     */
    @Test
    void quantileMatchesFiniteDifferencesInsideSegments() {
        Normalizer n = Normalizer.fit(Kind.QUANTILE, TABLE, ROWS, DIM, Set.of());
        int out = n.outputDim();
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            float[] row = new float[DIM];
            row[CONSTANT] = SyntheticTable.CONSTANT_VALUE;
            double[] steps = new double[out];
            for (int b = 0; b < out; b++) {
                double[] knots = ((QuantileColumn) n.columnMap(b)).x();
                double width;
                float x;
                do { // the row is float32: draw again until its rounding stays clear of the knots
                    int k = rng.nextInt(knots.length - 1);
                    width = knots[k + 1] - knots[k];
                    x = (float) (knots[k] + width * (0.1 + 0.8 * rng.nextDouble()));
                } while (!clearOfKnots(x, knots, width));
                row[column(n, b)] = x;
                steps[b] = 1e-4 * width;
            }
            double expected = numericLogDet(n, row, steps);
            assertThat(n.logAbsDetJacobian(row, 1)[0]).as("row %d", i).isCloseTo(expected, within(1e-5));
        }
    }

    private static boolean clearOfKnots(double x, double[] knots, double width) {
        for (double k : knots) {
            if (Math.abs(x - k) < 0.05 * width) {
                return false;
            }
        }
        return true;
    }

    @Test
    void quantileMatchesFiniteDifferencesInTheExtrapolatedTails() {
        Normalizer n = Normalizer.fit(Kind.QUANTILE, TABLE, ROWS, DIM, Set.of());
        int rows = 40;
        float[] beyond = SyntheticTable.beyond(TABLE, rows);
        double[] steps = stdSteps(n, 1e-3);
        for (int r = 0; r < rows; r++) {
            float[] row = new float[DIM];
            System.arraycopy(beyond, r * DIM, row, 0, DIM);
            double expected = numericLogDet(n, row, steps);
            assertThat(n.logAbsDetJacobian(row, 1)[0]).as("row %d", r).isCloseTo(expected, within(1e-6));
        }
    }

    /** The tails continue the end segments with the same slope, so dz/dx has no jump at the ends. */
    @Test
    void quantileDerivativeIsContinuousAtTheEndKnots() {
        Normalizer n = Normalizer.fit(Kind.QUANTILE, TABLE, ROWS, DIM, Set.of());
        for (int b = 0; b < n.outputDim(); b++) {
            ColumnMap map = n.columnMap(b);
            double[] knots = ((QuantileColumn) map).x();
            double first = knots[0];
            double last = knots[knots.length - 1];
            double inFirst = map.logDerivative(first + 1e-9 * (knots[1] - first));
            double inLast = map.logDerivative(last - 1e-9 * (last - knots[knots.length - 2]));
            assertThat(map.logDerivative(first - 1)).isCloseTo(inFirst, within(1e-6));
            assertThat(map.logDerivative(last + 1)).isCloseTo(inLast, within(1e-6));
            assertThat(map.logDerivative(first)).isEqualTo(map.logDerivative(first - 1));
        }
    }
}

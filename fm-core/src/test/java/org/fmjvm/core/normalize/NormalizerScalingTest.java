package org.fmjvm.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.fmjvm.core.normalize.SyntheticTable.CONSTANT;
import static org.fmjvm.core.normalize.SyntheticTable.DIM;
import static org.fmjvm.core.normalize.SyntheticTable.DISCRETE;
import static org.fmjvm.core.normalize.SyntheticTable.NORMAL;
import static org.fmjvm.core.normalize.SyntheticTable.SKEWED;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.fmjvm.core.normalize.Normalizer.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What each kind does to the training data: the statistics of z, the range, the shape. */
class NormalizerScalingTest {

    private static final int ROWS = 5000;
    private static final float[] TABLE = SyntheticTable.draw(ROWS, 99L);

    private static Normalizer fit(Kind kind) {
        return Normalizer.fit(kind, TABLE, ROWS, DIM, Set.of());
    }

    /** The model coordinate of a data column, with the constant column dropped. */
    private static int out(int column) {
        return column < CONSTANT ? column : column - 1;
    }

    @Test
    void constantColumnIsDroppedAndRecorded() {
        for (Kind kind : List.of(Kind.STANDARD, Kind.MINMAX, Kind.QUANTILE)) {
            Normalizer n = fit(kind);
            assertThat(n.inputDim()).isEqualTo(DIM);
            assertThat(n.outputDim()).isEqualTo(DIM - 1);
            assertThat(n.constantColumns()).containsExactly(CONSTANT);
            assertThat(n.constantValues()).containsExactly(java.util.Map.entry(CONSTANT, 0.5));
        }
        Normalizer none = fit(Kind.NONE);
        assertThat(none.outputDim()).isEqualTo(DIM);
        assertThat(none.constantColumns()).isEmpty();
    }

    @Test
    void standardGivesMeanZeroAndPopulationStdOne() {
        Normalizer n = fit(Kind.STANDARD);
        float[] z = n.transform(TABLE, ROWS);
        for (int j = 0; j < n.outputDim(); j++) {
            double[] c = SyntheticTable.column(z, n.outputDim(), j);
            assertThat(SyntheticTable.mean(c)).as("mean of z%d", j).isCloseTo(0, within(1e-6));
            assertThat(SyntheticTable.std(c)).as("std of z%d", j).isCloseTo(1, within(1e-6));
        }
        assertThat(n.logAbsDetJacobian(Arrays.copyOf(TABLE, DIM), 1)[0]).isCloseTo(expectedStandardLogDet(), within(1e-9));
    }

    private static double expectedStandardLogDet() {
        double sum = 0;
        for (int j = 0; j < DIM; j++) {
            if (j != CONSTANT) {
                sum -= Math.log(SyntheticTable.std(SyntheticTable.column(TABLE, DIM, j)));
            }
        }
        return sum;
    }

    @Test
    void minmaxMapsTheTrainingRangeOntoExactlyMinusOneToOne() {
        Normalizer n = fit(Kind.MINMAX);
        float[] z = n.transform(TABLE, ROWS);
        double logDet = 0;
        for (int j = 0; j < DIM; j++) {
            if (j == CONSTANT) {
                continue;
            }
            double[] x = SyntheticTable.column(TABLE, DIM, j);
            double[] c = SyntheticTable.column(z, n.outputDim(), out(j));
            assertThat(SyntheticTable.min(c)).isEqualTo(-1);
            assertThat(SyntheticTable.max(c)).isEqualTo(1);
            logDet += Math.log(2 / (SyntheticTable.max(x) - SyntheticTable.min(x)));
        }
        assertThat(n.logAbsDetJacobian(Arrays.copyOf(TABLE, DIM), 1)[0]).isCloseTo(logDet, within(1e-9));
    }

    @Test
    void quantileMakesContinuousColumnsStandardNormal() {
        Normalizer n = fit(Kind.QUANTILE);
        float[] z = n.transform(TABLE, ROWS);
        for (int column : new int[] {NORMAL, SKEWED, SyntheticTable.UNIFORM, SyntheticTable.HUGE}) {
            double[] c = SyntheticTable.column(z, n.outputDim(), out(column));
            assertThat(SyntheticTable.mean(c)).as("mean of column %d", column).isCloseTo(0, within(0.01));
            assertThat(SyntheticTable.std(c)).as("std of column %d", column).isCloseTo(1, within(0.03));
            Arrays.sort(c);
            double ks = 0;
            for (int i = 0; i < c.length; i++) {
                double phi = StandardNormal.cdf(c[i]);
                ks = Math.max(ks, Math.max(Math.abs((i + 1.0) / c.length - phi), Math.abs((double) i / c.length - phi)));
            }
            // far below the 1% critical value of Kolmogorov-Smirnov, 1.63 / sqrt(5000) = 0.023
            assertThat(ks).as("Kolmogorov-Smirnov distance of column %d", column).isLessThan(0.005);
            for (double p : new double[] {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
                double quantile = c[(int) Math.round(p * (c.length - 1))];
                assertThat(quantile).as("%s quantile of column %d", p, column)
                        .isCloseTo(StandardNormal.inverseCdf(p), within(0.02));
            }
        }
    }

    @Test
    void quantileMergesTiesOfADiscreteColumnIntoOneKnotPerValueAtTheMiddleOfItsProbabilityRange() {
        Normalizer n = fit(Kind.QUANTILE);
        double[] x = SyntheticTable.column(TABLE, DIM, DISCRETE);
        QuantileColumn map = (QuantileColumn) n.columnMap(out(DISCRETE));
        TreeSet<Double> distinct = new TreeSet<>();
        for (double v : x) {
            distinct.add(v);
        }
        assertThat(map.x()).containsExactly(distinct.stream().mapToDouble(Double::doubleValue).toArray());
        double[] u = map.u();
        int i = 0;
        for (double v : distinct) {
            long below = Arrays.stream(x).filter(w -> w < v).count();
            long atMost = Arrays.stream(x).filter(w -> w <= v).count();
            assertThat(u[i++]).as("u at %s", v).isCloseTo((below + atMost) / (2.0 * ROWS), within(1e-15));
        }
        // each value maps to one z, and larger values to larger z
        float[] z = n.transform(TABLE, ROWS);
        double[] previous = {Double.NEGATIVE_INFINITY};
        for (double v : distinct) {
            double[] images = new double[] {Double.NaN};
            for (int r = 0; r < ROWS; r++) {
                if (x[r] == v) {
                    double zr = z[r * n.outputDim() + out(DISCRETE)];
                    assertThat(Double.isNaN(images[0]) || images[0] == zr).isTrue();
                    images[0] = zr;
                }
            }
            assertThat(images[0]).isGreaterThan(previous[0]);
            previous[0] = images[0];
        }
    }

    @Test
    void quantileKnotsAreTheDataWhenThereAreFewerRowsThanKnots() {
        int rows = 300;
        float[] t = SyntheticTable.draw(rows, 5L);
        Normalizer n = Normalizer.fit(Kind.QUANTILE, t, rows, DIM, Set.of());
        double[] x = SyntheticTable.column(t, DIM, NORMAL);
        Arrays.sort(x);
        QuantileColumn map = (QuantileColumn) n.columnMap(out(NORMAL));
        assertThat(map.x()).containsExactly(x);
        double[] u = map.u();
        for (int i = 0; i < rows; i++) {
            assertThat(u[i]).isCloseTo((i + 0.5) / rows, within(1e-15)); // Hazen's plotting position
        }
        assertThat(((QuantileColumn) Normalizer.fit(Kind.QUANTILE, t, rows, DIM, Set.of(), 20)
                .columnMap(out(NORMAL))).x()).hasSize(20);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyColumnMapIsStrictlyIncreasingAcrossTheRangeAndFarBeyond(Kind kind) {
        Normalizer n = fit(kind);
        for (int j = 0; j < n.outputDim(); j++) {
            int column = kind == Kind.NONE || j < CONSTANT ? j : j + 1;
            double[] x = SyntheticTable.column(TABLE, DIM, column);
            double s = Math.max(1, SyntheticTable.std(x)); // NONE keeps the constant column
            double lo = SyntheticTable.min(x) - 10 * s;
            double hi = SyntheticTable.max(x) + 10 * s;
            ColumnMap map = n.columnMap(j);
            int steps = 200_000;
            double previous = Double.NEGATIVE_INFINITY;
            for (int i = 0; i <= steps; i++) {
                double z = map.forward(lo + (hi - lo) * i / steps);
                assertThat(z).as("column %d step %d", column, i).isGreaterThan(previous);
                previous = z;
            }
            double back = Double.NEGATIVE_INFINITY;
            for (int i = 0; i <= steps; i++) {
                double v = map.backward(-15 + 30.0 * i / steps);
                assertThat(v).as("column %d inverse step %d", column, i).isGreaterThan(back);
                back = v;
            }
        }
    }
}

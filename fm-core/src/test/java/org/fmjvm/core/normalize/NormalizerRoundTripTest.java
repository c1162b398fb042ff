package org.fmjvm.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.fmjvm.core.normalize.SyntheticTable.CONSTANT;
import static org.fmjvm.core.normalize.SyntheticTable.CONSTANT_VALUE;
import static org.fmjvm.core.normalize.SyntheticTable.DIM;

import java.util.Set;
import java.util.SplittableRandom;

import org.fmjvm.core.normalize.Normalizer.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code inverse(transform(x)) = x} and {@code transform(inverse(z)) = z} for every kind, on the
 * training rows and beyond the training range: tightly in float64, and within float32 rounding for
 * the public float API.
 */
class NormalizerRoundTripTest {

    private static final int ROWS = 2000;
    private static final float[] TABLE = SyntheticTable.draw(ROWS, 20240611L);

    private static Normalizer fit(Kind kind) {
        return Normalizer.fit(kind, TABLE, ROWS, DIM, Set.of(SyntheticTable.DISCRETE));
    }

    /** Per column, the largest |x| of the training data: the scale of float32 rounding there. */
    private static double[] scales() {
        double[] s = new double[DIM];
        for (int j = 0; j < DIM; j++) {
            s[j] = SyntheticTable.maxAbs(SyntheticTable.column(TABLE, DIM, j));
        }
        return s;
    }

    private static void assertDataClose(double[] actual, float[] expected, int rows, double relative) {
        double[] scale = scales();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < DIM; j++) {
                int i = r * DIM + j;
                if (j == CONSTANT) {
                    assertThat(actual[i]).as("row %d constant column", r).isEqualTo(CONSTANT_VALUE);
                } else {
                    assertThat(actual[i]).as("row %d column %d", r, j).isCloseTo(expected[i], within(relative * scale[j]));
                }
            }
        }
    }

    private static double[] widen(float[] f) {
        return SyntheticTable.widen(f);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void inverseUndoesTransformOnTrainingRowsInFloat64(Kind kind) {
        Normalizer n = fit(kind);
        double[] back = n.inverse(n.transform(widen(TABLE), ROWS), ROWS);
        assertDataClose(back, TABLE, ROWS, 1e-12);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void inverseUndoesTransformOnTrainingRowsWithinFloat32Rounding(Kind kind) {
        Normalizer n = fit(kind);
        float[] back = n.inverse(n.transform(TABLE, ROWS), ROWS);
        assertDataClose(widen(back), TABLE, ROWS, 1e-6);
        if (kind == Kind.NONE) {
            assertThat(back).containsExactly(TABLE);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rowsBeyondTheTrainingRangeRoundTrip(Kind kind) {
        Normalizer n = fit(kind);
        int rows = 200;
        float[] beyond = SyntheticTable.beyond(TABLE, rows);
        assertDataClose(n.inverse(n.transform(widen(beyond), rows), rows), beyond, rows, 1e-12);
        assertDataClose(widen(n.inverse(n.transform(beyond, rows), rows)), beyond, rows, 1e-6);
        for (double logDet : n.logAbsDetJacobian(beyond, rows)) {
            assertThat(logDet).isFinite();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void transformUndoesInverseForModelRowsInsideAndFarOutside(Kind kind) {
        Normalizer n = fit(kind);
        int out = n.outputDim();
        int rows = 1000;
        SplittableRandom rng = new SplittableRandom(7);
        double[] z = new double[rows * out];
        for (int i = 0; i < z.length; i++) {
            // N(0, 1) points, and every fifth one far out in a tail (|z| up to 12)
            z[i] = i % 5 == 0 ? (rng.nextBoolean() ? 1 : -1) * (6 + 6 * rng.nextDouble())
                    : SyntheticTable.gaussian(rng);
        }
        double[] x = n.inverse(z, rows);
        double[] again = n.transform(x, rows);
        for (int i = 0; i < z.length; i++) {
            assertThat(again[i]).as("z[%d]", i).isCloseTo(z[i], within(1e-9 * Math.max(1, Math.abs(z[i]))));
        }
        for (int r = 0; r < rows; r++) {
            assertThat(x[r * DIM + CONSTANT]).isEqualTo(kind == Kind.NONE ? z[r * out + CONSTANT] : CONSTANT_VALUE);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void transformUndoesInverseWithinTheFloat32ResolutionOfTheData(Kind kind) {
        Normalizer n = fit(kind);
        int out = n.outputDim();
        int rows = 500;
        SplittableRandom rng = new SplittableRandom(11);
        float[] z = new float[rows * out];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (1.5 * SyntheticTable.gaussian(rng));
        }
        float[] x = n.inverse(z, rows);
        float[] again = n.transform(x, rows);
        double[] xd = widen(x);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                int column = kind == Kind.NONE || j < CONSTANT ? j : j + 1;
                // x was rounded to float32: z moves by up to dz/dx * ulp(x), plus z's own rounding
                double dzdx = derivative(n, xd, r, column, j);
                double tolerance = 1e-6 * (1 + Math.abs(z[r * out + j])) + dzdx * Math.ulp(x[r * DIM + column]);
                assertThat((double) again[r * out + j]).as("row %d, z column %d", r, j)
                        .isCloseTo(z[r * out + j], within(tolerance));
            }
        }
    }

    /** dz_j/dx_column at a row, by a central difference in float64. */
    private static double derivative(Normalizer n, double[] x, int row, int column, int j) {
        double[] one = new double[DIM];
        System.arraycopy(x, row * DIM, one, 0, DIM);
        double h = 1e-7 * Math.max(1e-3, Math.abs(one[column]));
        one[column] += h;
        double up = n.transform(one, 1)[j];
        one[column] -= 2 * h;
        double down = n.transform(one, 1)[j];
        return Math.abs(up - down) / (2 * h);
    }
}

package org.fmjvm.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Set;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.core.normalize.Normalizer.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Arguments, bad data, integer columns, the support, the kind names and the description. */
class NormalizerInputTest {

    /** 4 rows x 3 columns: integers, a constant 2, and a continuous column. */
    private static final float[] SMALL = {
        0, 2, 0.5f,
        3, 2, -1.25f,
        1, 2, 4.0f,
        5, 2, 0.75f,
    };

    @Test
    void kindIdsParseInAnyCaseAndAMissListsTheChoices() {
        for (Kind k : Kind.values()) {
            assertThat(Kind.parse(" " + k.id().toUpperCase() + " ")).isEqualTo(k);
        }
        assertThat(Kind.MINMAX.id()).isEqualTo("minmax");
        assertThatThrownBy(() -> Kind.parse("zscore")).isInstanceOf(ConfigurationException.class)
                .hasMessage("Unknown normalization 'zscore'; known: [none, standard, minmax, quantile]");
    }

    @Test
    void nanInTheTableNamesTheRowAndColumnOneBased() {
        float[] t = SMALL.clone();
        t[1 * 3 + 2] = Float.NaN;
        assertThatThrownBy(() -> Normalizer.fit(Kind.STANDARD, t, 4, 3, Set.of())).isInstanceOf(DataException.class)
                .hasMessageStartingWith("points row 2, column 3 is NaN");
        assertThatThrownBy(() -> Normalizer.integerValuedColumns(t, 4, 3)).isInstanceOf(DataException.class)
                .hasMessageContaining("row 2, column 3 is NaN");
    }

    @Test
    void infinityInRowsToTransformOrSamplesToInvertIsRejected() {
        Normalizer n = Normalizer.fit(Kind.QUANTILE, SMALL, 4, 3, Set.of());
        float[] x = {1, 2, Float.POSITIVE_INFINITY};
        assertThatThrownBy(() -> n.transform(x, 1)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("x row 1, column 3 is Infinity");
        assertThatThrownBy(() -> n.logAbsDetJacobian(x, 1)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("x row 1, column 3 is Infinity");
        assertThatThrownBy(() -> n.inverse(new float[] {0, 0, 0, Float.NaN}, 2)).isInstanceOf(DataException.class)
                .hasMessageStartingWith("z row 2, column 2 is NaN");
    }

    @Test
    void wrongArrayLengthsNameTheExpectedShape() {
        Normalizer n = Normalizer.fit(Kind.STANDARD, SMALL, 4, 3, Set.of());
        assertThatThrownBy(() -> n.transform(new float[11], 4)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageStartingWith("x must have shape [4, 3], i.e. 12 values, got 11");
        assertThatThrownBy(() -> n.inverse(new float[6], 2)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageStartingWith("z must have shape [2, 2], i.e. 4 values, got 6");
        assertThatThrownBy(() -> n.transform(new float[0], 0)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("at least 1 row");
        assertThatThrownBy(() -> Normalizer.fit(Kind.STANDARD, SMALL, 3, 3, Set.of()))
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("points must have shape [3, 3]");
        assertThatThrownBy(() -> Normalizer.identity(0)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("dim must be >= 1, got 0");
    }

    @Test
    void anAllConstantTableHasNothingToLearn() {
        float[] t = {1, 2, 1, 2, 1, 2};
        assertThatThrownBy(() -> Normalizer.fit(Kind.MINMAX, t, 3, 2, Set.of())).isInstanceOf(DataException.class)
                .hasMessageContaining("all 2 columns are constant over the 3 rows")
                .hasMessageContaining("minmax scaling has nothing to learn");
        assertThat(Normalizer.fit(Kind.NONE, t, 3, 2, Set.of()).outputDim()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"STANDARD", "MINMAX", "QUANTILE"})
    void oneRowIsTooFewToFit(Kind kind) {
        assertThatThrownBy(() -> Normalizer.fit(kind, new float[] {1, 2, 3}, 1, 3, Set.of()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("needs at least 2 rows to fit " + kind.id() + " scaling");
        assertThatThrownBy(() -> Normalizer.fit(kind, new float[0], 0, 3, Set.of())).isInstanceOf(DataException.class)
                .hasMessageContaining("a table of 0 rows");
    }

    @Test
    void noneFitsOneRowAndIsTheExactIdentity() {
        Normalizer n = Normalizer.fit(Kind.NONE, new float[] {1.5f, -2, 7}, 1, 3, Set.of(1));
        assertThat(n.outputDim()).isEqualTo(3);
        float[] x = {0.1f, 1e-30f, -3e30f, 1, 2, 3};
        assertThat(n.transform(x, 2)).containsExactly(x);
        assertThat(n.inverse(x, 2)).containsExactly(x);
        assertThat(n.logAbsDetJacobian(x, 2)).containsExactly(0, 0);
        assertThat(n.toData(new float[] {0.4f, 1.6f, 2.5f}, 1)).containsExactly(0.4f, 2, 2.5f);
        assertThat(Normalizer.identity(3).integerColumns()).isEmpty();
        assertThat(Normalizer.identity(3).kind()).isEqualTo(Kind.NONE);
    }

    @Test
    void integerColumnsOutOfRangeAreAConfigurationError() {
        assertThatThrownBy(() -> Normalizer.fit(Kind.STANDARD, SMALL, 4, 3, Set.of(3)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("integerColumns contains 3")
                .hasMessageContaining("0..2");
        assertThatThrownBy(() -> Normalizer.fit(Kind.QUANTILE, SMALL, 4, 3, Set.of(), 1))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("quantileKnots must be >= 2, got 1");
    }

    @Test
    void integerValuedColumnsFindsExactlyTheColumnsOfWholeNumbers() {
        float[] t = {
            0, 2, 0.5f, -3, 1e6f, 7,
            3, 2, -1.25f, 4, 16777216f, 7.5f,
            1, 2, 4.0f, -0f, 1e9f, 7,
        };
        assertThat(Normalizer.integerValuedColumns(t, 3, 6)).containsExactly(0, 1, 3, 4);
        float[] synthetic = SyntheticTable.draw(300, 8L);
        assertThat(Normalizer.integerValuedColumns(synthetic, 300, SyntheticTable.DIM))
                .containsExactly(SyntheticTable.DISCRETE);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void toDataRoundsOnlyTheIntegerColumns(Kind kind) {
        int rows = 400;
        float[] t = SyntheticTable.draw(rows, 17L);
        Set<Integer> integers = Normalizer.integerValuedColumns(t, rows, SyntheticTable.DIM);
        Normalizer n = Normalizer.fit(kind, t, rows, SyntheticTable.DIM, integers);
        assertThat(n.integerColumns()).containsExactly(SyntheticTable.DISCRETE);
        float[] z = n.transform(t, rows);
        for (int i = 0; i < z.length; i++) {
            z[i] += 0.05f * (float) Math.sin(i); // a sampler's output is never exactly on the data
        }
        float[] raw = n.inverse(z, rows);
        float[] data = n.toData(z, rows);
        boolean someRawValueWasNotAnInteger = false;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < SyntheticTable.DIM; j++) {
                int i = r * SyntheticTable.DIM + j;
                if (j == SyntheticTable.DISCRETE) {
                    assertThat(data[i]).isEqualTo((float) Math.rint(raw[i]));
                    someRawValueWasNotAnInteger |= raw[i] != Math.rint(raw[i]);
                } else {
                    assertThat(data[i]).isEqualTo(raw[i]);
                }
            }
        }
        assertThat(someRawValueWasNotAnInteger).isTrue();
    }

    @Test
    void negativeZeroEqualsZero() {
        float[] t = {-0f, 0f, 0f, 0f, 1f, -0f, 2f, 0f};
        Normalizer n = Normalizer.fit(Kind.QUANTILE, t, 4, 2, Set.of());
        assertThat(n.constantValues()).containsEntry(1, 0.0);
        assertThat(((QuantileColumn) n.columnMap(0)).x()).containsExactly(0, 1, 2);
        assertThat(n.transform(new float[] {-0f, 0f}, 1)).isEqualTo(n.transform(new float[] {0f, 0f}, 1));
        assertThat(n.onSupport(new float[] {5, -0f}, 0)).isTrue();
    }

    @Test
    void onSupportChecksTheConstantColumns() {
        Normalizer n = Normalizer.fit(Kind.STANDARD, SMALL, 4, 3, Set.of());
        float[] rows = {9, 2, 9, 9, 2.0001f, 9, 9, Float.NaN, 9};
        assertThat(n.onSupport(rows, 0)).isTrue();
        assertThat(n.onSupport(rows, 1)).isFalse();
        assertThat(n.onSupport(rows, 2)).isFalse();
        assertThat(Normalizer.identity(3).onSupport(rows, 1)).isTrue();
        assertThatThrownBy(() -> n.onSupport(rows, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> n.onSupport(new float[4], 0)).isInstanceOf(ShapeMismatchException.class);
    }

    @Test
    void accessorsAndTheDescriptionReportTheFit() {
        Normalizer n = Normalizer.fit(Kind.STANDARD, SMALL, 4, 3, Set.of(0));
        assertThat(n.kind()).isEqualTo(Kind.STANDARD);
        assertThat(n.inputDim()).isEqualTo(3);
        assertThat(n.outputDim()).isEqualTo(2);
        assertThat(n.constantColumns()).containsExactly(1);
        assertThat(n.constantValues()).containsEntry(1, 2.0).hasSize(1);
        assertThat(n.describe())
                .isEqualTo("standard scaling of 3 columns to 2, constant column dropped: 2 = 2.0; integer column rounded on "
                        + "output: 1");
        assertThat(Normalizer.identity(2).describe()).isEqualTo("no scaling of 2 columns");
        assertThat(n.inverse(new float[] {0, 0}, 1)[1]).isEqualTo(2);
        // fitting does not keep a reference to the caller's array
        float[] t = SMALL.clone();
        Normalizer m = Normalizer.fit(Kind.MINMAX, t, 4, 3, Set.of());
        float[] before = m.transform(SMALL, 4);
        Arrays.fill(t, 0);
        assertThat(m.transform(SMALL, 4)).containsExactly(before);
    }
}

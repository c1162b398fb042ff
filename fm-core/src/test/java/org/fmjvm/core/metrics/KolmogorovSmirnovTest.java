package org.fmjvm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KolmogorovSmirnovTest {

    private static double d(double[] a, double[] b) {
        return KolmogorovSmirnov.statistic(a, b);
    }

    @Test
    void identicalSamplesHaveDistanceZero() {
        assertThat(d(new double[] {3, 1, 2, 2}, new double[] {2, 1, 3, 2})).isZero();
        // -0.0 and 0.0 are one value
        assertThat(d(new double[] {-0.0, 1}, new double[] {0.0, 1})).isZero();
    }

    @Test
    void disjointSamplesHaveDistanceOne() {
        assertThat(d(new double[] {1, 2}, new double[] {3, 4, 5})).isEqualTo(1.0);
        assertThat(d(new double[] {10, 11, 12}, new double[] {-1})).isEqualTo(1.0);
    }

    @Test
    void handComputedExamples() {
        // F_a - F_b at 2: 0.5 - 0, at 3: 0.75 - 0.25, at 4: 1 - 0.5, later 1 - 0.75, 1 - 1
        assertThat(d(new double[] {1, 2, 3, 4}, new double[] {3, 4, 5, 6})).isEqualTo(0.5);
        // unequal sizes: at 0.5: 0 vs 0.5, at 1: 0.2, at 2: 0.4, at 2.5: 0.4 vs 1 -> 0.6, at 3: 0.6 vs 1
        assertThat(d(new double[] {5, 4, 3, 2, 1}, new double[] {2.5, 0.5})).isCloseTo(0.6, within(1e-15));
    }

    @Test
    void tiesAreSteppedPastTogether() {
        // at 1: F_a = 2/4, F_b = 1/4; at 2 both reach 1. Stepping one value at a time would see 2/4 - 0.
        assertThat(d(new double[] {1, 1, 2, 2}, new double[] {1, 2, 2, 2})).isEqualTo(0.25);
        // at 0: 3/4 vs 1/4; stepping one value at a time would see 3/4 - 0
        assertThat(d(new double[] {0, 0, 0, 1}, new double[] {0, 1, 1, 1})).isEqualTo(0.5);
        // a discrete column: both samples on {0, 1}; only the share of zeros matters (0.7 vs 0.4)
        double[] a = new double[10];
        double[] b = new double[10];
        for (int i = 0; i < 10; i++) {
            a[i] = i < 7 ? 0 : 1;
            b[i] = i < 4 ? 0 : 1;
        }
        assertThat(d(a, b)).isCloseTo(0.3, within(1e-15));
    }

    @Test
    void statisticIsSymmetric() {
        double[] a = {0.3, 1.7, -2, 0.3, 5};
        double[] b = {1, 0.3, 4, 4, -1, 2};
        assertThat(d(a, b)).isEqualTo(d(b, a));
    }

    @Test
    void kolmogorovTailMatchesTabulatedCriticalValues() {
        // the classical critical values of Kolmogorov's distribution
        assertThat(KolmogorovSmirnov.kolmogorovTail(1.2238)).isCloseTo(0.10, within(2e-4));
        assertThat(KolmogorovSmirnov.kolmogorovTail(1.3581)).isCloseTo(0.05, within(2e-4));
        assertThat(KolmogorovSmirnov.kolmogorovTail(1.6276)).isCloseTo(0.01, within(1e-4));
        // both series forms agree where the implementation switches between them
        assertThat(KolmogorovSmirnov.kolmogorovTail(Math.nextDown(1.18)))
                .isCloseTo(KolmogorovSmirnov.kolmogorovTail(1.18), within(1e-12));
        assertThat(KolmogorovSmirnov.kolmogorovTail(0)).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.kolmogorovTail(0.2)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void pValueIsOneForEqualSamplesAndTinyForDisjointLargeOnes() {
        assertThat(KolmogorovSmirnov.pValue(0, 50, 80)).isEqualTo(1.0);
        assertThat(KolmogorovSmirnov.pValue(1, 1000, 1000)).isLessThan(1e-100);
        // ne = 100 * 100 / 200 = 50; lambda = (sqrt(50) + 0.12 + 0.11 / sqrt(50)) * D
        double dCrit = 1.3581 / (Math.sqrt(50) + 0.12 + 0.11 / Math.sqrt(50));
        assertThat(KolmogorovSmirnov.pValue(dCrit, 100, 100)).isCloseTo(0.05, within(2e-4));
    }

    @Test
    void rejectsEmptyAndNaNSamples() {
        assertThatThrownBy(() -> d(new double[0], new double[] {1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> d(new double[] {1}, new double[] {2, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN at index 1");
    }
}

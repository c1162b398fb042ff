package org.fmjvm.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reference values: mpmath at 60 digits, evaluated at the exact float64 arguments. */
class StandardNormalTest {

    private static final double[][] CDF = {
        {-37, 5.725571222524577e-300},
        {-20, 2.7536241186062337e-89},
        {-10, 7.619853024160525e-24},
        {-5, 2.866515718791939e-07},
        {-3, 0.0013498980316300946},
        {-2, 0.02275013194817921},
        {-1.5, 0.06680720126885807},
        {-1, 0.15865525393145705},
        {-0.5, 0.3085375387259869},
        {0, 0.5},
        {0.25, 0.5987063256829237},
        {1, 0.8413447460685429},
        {1.959963984540054, 0.975},
        {3, 0.9986501019683699},
        {6, 0.9999999990134123},
    };

    private static final double[][] QUANTILE = {
        {1e-300, -37.0470962993612},
        {1e-100, -21.273453560965326},
        {1e-20, -9.262340089798407},
        {1e-7, -5.1993375821928165},
        {0.0001, -3.7190164854556804},
        {0.02425, -1.972961051311885},
        {0.025, -1.9599639845400543},
        {0.3, -0.5244005127080408},
        {0.75, 0.6744897501960817},
        {0.975, 1.9599639845400538},
        {0.9999999, 5.199337582290661},
    };

    private static final double[][] DENSITY = {
        {0, 0.39894228040143268},
        {1, 0.24197072451914335},
        {-5, 1.4867195147342977e-6},
        {20, 5.5209483621597632e-88},
        {37, 2.1200065515246056e-298},
    };

    @Test
    void cdfMatchesReferenceValuesToFullRelativePrecisionInTheLowerTail() {
        for (double[] c : CDF) {
            assertThat(StandardNormal.cdf(c[0])).as("Phi(%s)", c[0]).isCloseTo(c[1], within(1e-14 * c[1]));
        }
        assertThat(StandardNormal.cdf(-5)).isCloseTo(2.866515718791939e-7, within(1e-12 * 2.866515718791939e-7));
    }

    @Test
    void cdfIsSymmetricAndSaturates() {
        for (double x = 0; x < 8; x += 0.0625) {
            assertThat(StandardNormal.cdf(x) + StandardNormal.cdf(-x)).isCloseTo(1, within(1e-15));
        }
        assertThat(StandardNormal.cdf(-50)).isZero();
        assertThat(StandardNormal.cdf(50)).isEqualTo(1);
        assertThat(StandardNormal.cdf(Double.NEGATIVE_INFINITY)).isZero();
        assertThat(StandardNormal.cdf(Double.POSITIVE_INFINITY)).isEqualTo(1);
        assertThat(StandardNormal.cdf(Double.NaN)).isNaN();
    }

    @Test
    void inverseCdfMatchesReferenceValues() {
        for (double[] q : QUANTILE) {
            assertThat(StandardNormal.inverseCdf(q[0])).as("Phi^-1(%s)", q[0])
                    .isCloseTo(q[1], within(1e-14 * Math.abs(q[1])));
        }
        assertThat(StandardNormal.inverseCdf(0.975)).isCloseTo(1.959963984540054, within(1e-15));
        assertThat(StandardNormal.inverseCdf(0.5)).isZero();
        assertThat(StandardNormal.inverseCdf(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(StandardNormal.inverseCdf(1)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void densityMatchesReferenceValuesIntoTheFarTail() {
        for (double[] d : DENSITY) {
            assertThat(StandardNormal.density(d[0])).as("phi(%s)", d[0]).isCloseTo(d[1], within(1e-14 * d[1]));
        }
        assertThat(StandardNormal.density(41)).isZero();
        assertThat(StandardNormal.density(Double.NaN)).isNaN();
    }

    @Test
    void inverseCdfUndoesCdfAcrossTheLowerTailAndTheCentre() {
        for (double x = -37; x <= 3; x += 0.03125) {
            double back = StandardNormal.inverseCdf(StandardNormal.cdf(x));
            assertThat(back).as("x = %s", x).isCloseTo(x, within(1e-12 * Math.max(1, Math.abs(x))));
        }
    }

    @Test
    void cdfUndoesInverseCdfFromTinyProbabilitiesToNearlyOne() {
        for (double e = -300; e <= Math.log10(0.5); e += 0.25) {
            double p = Math.pow(10, e);
            double x = StandardNormal.inverseCdf(p);
            // rounding x to float64 alone moves Phi(x) by about x^2 ulp relative (phi(x) / Phi(x) ~ -x)
            assertThat(StandardNormal.cdf(x)).as("p = %s", p).isCloseTo(p, within(p * (1e-14 + x * x * 2.3e-16)));
            double q = 1 - p;
            assertThat(StandardNormal.cdf(StandardNormal.inverseCdf(q))).isCloseTo(q, within(1e-15));
        }
    }

    @Test
    void inverseCdfIsStrictlyIncreasingAndAntisymmetric() {
        double previous = Double.NEGATIVE_INFINITY;
        for (int i = 1; i < 100_000; i++) {
            double p = i / 100_000.0;
            double x = StandardNormal.inverseCdf(p);
            assertThat(x).isGreaterThan(previous);
            previous = x;
            double q = 1 - p; // 1 - q is exact, so the symmetry can be checked bitwise
            assertThat(StandardNormal.inverseCdf(q)).isEqualTo(-StandardNormal.inverseCdf(1 - q));
        }
    }

    @Test
    void inverseCdfRejectsNonProbabilities() {
        assertThatThrownBy(() -> StandardNormal.inverseCdf(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> StandardNormal.inverseCdf(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}

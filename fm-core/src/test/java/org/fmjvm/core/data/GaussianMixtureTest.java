package org.fmjvm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {

    /** Per-mode sample statistics of a well-separated mixture, grouped by nearest mean. */
    private static void checkModes(GaussianMixture gm, int n, long seed) {
        float[] x = gm.sample(n, Rng.seeded(seed));
        int k = gm.components();
        int dim = gm.dim();
        double[][] sum = new double[k][dim];
        double[][] sumSq = new double[k][dim];
        int[] count = new int[k];
        for (int i = 0; i < n; i++) {
            int c = gm.nearestMode(x, i);
            count[c]++;
            for (int d = 0; d < dim; d++) {
                double v = x[i * dim + d];
                sum[c][d] += v;
                sumSq[c][d] += v * v;
            }
        }
        double std = gm.std();
        for (int c = 0; c < k; c++) {
            double w = gm.weights()[c];
            double frac = (double) count[c] / n;
            assertThat(frac).as("fraction of mode %d", c).isCloseTo(w, within(5 * Math.sqrt(w * (1 - w) / n)));
            for (int d = 0; d < dim; d++) {
                double mean = sum[c][d] / count[c];
                double var = sumSq[c][d] / count[c] - mean * mean;
                assertThat(mean).as("mean of mode %d coord %d", c, d)
                        .isCloseTo(gm.mean(c)[d], within(5 * std / Math.sqrt(count[c])));
                // sd of a sample variance of normals is var * sqrt(2 / n)
                assertThat(var).as("variance of mode %d coord %d", c, d)
                        .isCloseTo(std * std, within(5 * std * std * Math.sqrt(2.0 / count[c])));
            }
        }
    }

    @Test
    void fourGaussiansMatchesTheTutorialTarget() {
        GaussianMixture gm = GaussianMixture.fourGaussians();
        assertThat(gm.name()).isEqualTo("four-gaussians");
        assertThat(gm.dim()).isEqualTo(2);
        assertThat(gm.std()).isEqualTo(0.5);
        assertThat(gm.means()).containsExactly(new double[] {-3, -3}, new double[] {-3, 3}, new double[] {3, -3},
                new double[] {3, 3});
        assertThat(gm.weights()).containsExactly(0.25, 0.25, 0.25, 0.25);
        checkModes(gm, 40_000, 1);
    }

    @Test
    void eightGaussiansIsARingOfRadiusFiveWithVarianceZeroPointOne() {
        GaussianMixture gm = GaussianMixture.eightGaussians();
        assertThat(gm.name()).isEqualTo("eight-gaussians");
        assertThat(gm.components()).isEqualTo(8);
        assertThat(gm.std() * gm.std()).isCloseTo(0.1, within(1e-15));
        for (int k = 0; k < 8; k++) {
            double[] mu = gm.mean(k);
            assertThat(Math.hypot(mu[0], mu[1])).isCloseTo(5, within(1e-12));
            assertThat(Math.atan2(mu[1], mu[0])).isCloseTo(Math.IEEEremainder(2 * Math.PI * k / 8, 2 * Math.PI),
                    within(1e-12));
        }
        checkModes(gm, 40_000, 2);
    }

    @Test
    void unequalWeightsAreSampledInProportion() {
        GaussianMixture gm = new GaussianMixture("two", List.of(new double[] {-4}, new double[] {4}), 1.0,
                new double[] {1, 3});
        assertThat(gm.weights()).containsExactly(0.25, 0.75);
        checkModes(gm, 40_000, 3);
        double[] f = gm.modeFractions(gm.sample(20_000, Rng.seeded(4)), 20_000);
        assertThat(f[0] + f[1]).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void fourGaussianDensityIntegratesToOne() {
        LogDensity q = GaussianMixture.fourGaussians().logDensity().orElseThrow();
        assertThat(Quadrature.overSquare(q, 8, 0.02)).isCloseTo(1.0, within(2e-3));
    }

    @Test
    void eightGaussianAndWeightedDensitiesIntegrateToOne() {
        LogDensity q8 = GaussianMixture.eightGaussians().logDensity().orElseThrow();
        assertThat(Quadrature.overSquare(q8, 8, 0.02)).isCloseTo(1.0, within(2e-3));

        GaussianMixture w = new GaussianMixture("w", List.of(new double[] {-1}, new double[] {2}), 0.7,
                new double[] {2, 1});
        double t1 = 0;
        double h1 = 1e-3;
        for (double x = -10 + h1 / 2; x < 10; x += h1) {
            t1 += Math.exp(w.logDensity(new double[] {x}));
        }
        assertThat(t1 * h1).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void logDensityMatchesADirectSumOfGaussians() {
        GaussianMixture gm = GaussianMixture.fourGaussians();
        float[] pts = {0f, 0f, -3f, -3f, 2.5f, -1.25f, 10f, 10f};
        for (int r = 0; r < 4; r++) {
            double x = pts[2 * r];
            double y = pts[2 * r + 1];
            double s = 0;
            for (double[] mu : gm.means()) {
                double d2 = (x - mu[0]) * (x - mu[0]) + (y - mu[1]) * (y - mu[1]);
                s += 0.25 / (2 * Math.PI * 0.25) * Math.exp(-d2 / (2 * 0.25));
            }
            assertThat(gm.logDensity().orElseThrow().at(pts, r)).as("row %d", r)
                    .isCloseTo(Math.log(s), within(1e-12 * Math.max(1, Math.abs(Math.log(s)))));
        }
        // at a mode the other modes contribute nothing measurable: log(1/4 * 1/(2 pi 0.25))
        assertThat(gm.logDensityAt(pts, 1)).isCloseTo(Math.log(0.25 / (2 * Math.PI * 0.25)), within(1e-12));

        GaussianMixture w = new GaussianMixture("w", List.of(new double[] {0, 0}, new double[] {1, 2}), 2.0,
                new double[] {1, 4});
        double[] x = {0.3, -0.7};
        double direct = 0.2 / (2 * Math.PI * 4) * Math.exp(-(0.09 + 0.49) / 8)
                + 0.8 / (2 * Math.PI * 4) * Math.exp(-(0.49 + 7.29) / 8);
        assertThat(w.logDensity(x)).isCloseTo(Math.log(direct), within(1e-12));
    }

    @Test
    void logDensityIsStableFarFromEveryMode() {
        GaussianMixture gm = GaussianMixture.fourGaussians();
        double v = gm.logDensity(new double[] {100, 100});
        // nearest mode (3, 3): d^2 = 2 * 97^2, so log q = log(1/4) - log(2 pi 0.25) - d^2 / 0.5
        assertThat(v).isCloseTo(Math.log(0.25) - Math.log(2 * Math.PI * 0.25) - 2 * 97 * 97 / 0.5, within(1e-9));
    }

    @Test
    void modeFractionsCountNearestMeans() {
        GaussianMixture gm = GaussianMixture.fourGaussians();
        float[] pts = {-3, -3, -2, -2, -3, 3, 3, 3, 2.9f, 3.1f, 0.1f, 0.2f};
        // (0.1, 0.2): squared distances 19.85, 17.45, 18.65, 16.25 to the four means -> mode 3
        assertThat(gm.modeFractions(pts, 6)).containsExactly(2 / 6.0, 1 / 6.0, 0.0, 3 / 6.0);
        assertThat(gm.modeFractions(pts, 1)).containsExactly(1.0, 0.0, 0.0, 0.0);
        // a tie goes to the lower index, like argmin
        assertThat(gm.nearestMode(new float[] {0, 0}, 0)).isZero();
    }

    @Test
    void sameSeedSameSamples() {
        GaussianMixture gm = GaussianMixture.eightGaussians();
        assertThat(gm.sample(100, Rng.seeded(9))).containsExactly(gm.sample(100, Rng.seeded(9)));
        assertThat(gm.sample(100, Rng.seeded(9))).isNotEqualTo(gm.sample(100, Rng.seeded(10)));
    }

    @Test
    void rejectsInconsistentDefinitions() {
        assertThatThrownBy(() -> new GaussianMixture("x", List.of(new double[] {0, 0}, new double[] {1}), 1,
                new double[] {1, 1})).isInstanceOf(ConfigurationException.class).hasMessageContaining("mean 1 has 1");
        assertThatThrownBy(() -> GaussianMixture.equalWeights("x", List.of(new double[] {0}), 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("standard deviation");
        assertThatThrownBy(() -> new GaussianMixture("x", List.of(new double[] {0}), 1, new double[] {-1}))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("weights");
        assertThatThrownBy(() -> new GaussianMixture("x", List.of(new double[] {0}), 1, new double[] {1, 1}))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("one weight per mean");
    }
}

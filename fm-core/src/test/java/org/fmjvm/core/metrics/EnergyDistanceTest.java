package org.fmjvm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.ForkJoinPool;

import org.fmjvm.api.random.Rng;
import org.fmjvm.core.data.GaussianMixture;
import org.junit.jupiter.api.Test;

class EnergyDistanceTest {

    /** The definition, term by term, with plain loops over all pairs. */
    private static double naive(float[] x, float[] y, int dim) {
        return 2 * naiveMean(x, y, dim) - naiveMean(x, x, dim) - naiveMean(y, y, dim);
    }

    private static double naiveMean(float[] a, float[] b, int dim) {
        int n = a.length / dim;
        int m = b.length / dim;
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double q = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = (double) a[i * dim + d] - b[j * dim + d];
                    q += diff * diff;
                }
                s += Math.sqrt(q);
            }
        }
        return s / ((double) n * m);
    }

    private static float[] gaussian(int n, int dim, double shift, long seed) {
        float[] x = Rng.seeded(seed).normals(n * dim);
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) shift;
        }
        return x;
    }

    @Test
    void twoPointMassesScoreTwiceTheirDistance() {
        assertThat(EnergyDistance.between(new float[] {0, 0}, new float[] {3, 4}, 2)).isCloseTo(10.0, within(1e-15));
        assertThat(EnergyDistance.between(new float[] {1}, new float[] {-1.5f}, 1)).isCloseTo(5.0, within(1e-15));
    }

    @Test
    void smallSetsMatchAHandComputation() {
        // X = {(0,0), (1,0)}, Y = {(0,3)}: E|X-Y| = (3 + sqrt 10) / 2, E|X-X'| = (0 + 1 + 1 + 0) / 4, E|Y-Y'| = 0
        float[] x = {0, 0, 1, 0};
        float[] y = {0, 3};
        assertThat(EnergyDistance.between(x, y, 2)).isCloseTo(3 + Math.sqrt(10) - 0.5, within(1e-14));
        assertThat(new EnergyDistance(x, 2).referenceSelfDistance()).isCloseTo(0.5, within(1e-15));
        // 1D: X = {0, 2}, Y = {1}: 2 * 1 - (0 + 2 + 2 + 0) / 4 - 0 = 1
        assertThat(EnergyDistance.between(new float[] {0, 2}, new float[] {1}, 1)).isCloseTo(1.0, within(1e-15));
    }

    @Test
    void identicalSetsScoreZero() {
        float[] x = gaussian(3000, 2, 0, 1);
        assertThat(EnergyDistance.between(x, x.clone(), 2)).isCloseTo(0.0, within(1e-12));
        float[] z = gaussian(500, 5, 0, 2);
        assertThat(EnergyDistance.between(z, z, 5)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void isSymmetricAndMatchesTheNaiveDefinitionInEveryDimension() {
        for (int dim : new int[] {1, 2, 3, 7}) {
            float[] x = gaussian(301, dim, 0, 10 + dim);
            float[] y = gaussian(177, dim, 0.3, 20 + dim);
            double d = EnergyDistance.between(x, y, dim);
            assertThat(d).as("dim %d", dim).isCloseTo(naive(x, y, dim), within(1e-12));
            assertThat(EnergyDistance.between(y, x, dim)).as("symmetry, dim %d", dim).isCloseTo(d, within(1e-12));
            assertThat(d).isPositive();
            assertThat(EnergyDistance.meanPairwiseDistance(x, y, dim)).isCloseTo(naiveMean(x, y, dim), within(1e-12));
        }
    }

    @Test
    void aShiftedSetScoresWorseTheFurtherItMoves() {
        GaussianMixture q = GaussianMixture.fourGaussians();
        float[] ref = q.sample(2000, Rng.seeded(1));
        EnergyDistance ed = new EnergyDistance(ref, 2);
        float[] fresh = q.sample(2000, Rng.seeded(2));
        double floor = ed.distance(fresh);
        double prev = floor;
        for (double shift : new double[] {0.2, 0.5, 1.0, 2.0}) {
            float[] moved = fresh.clone();
            for (int i = 0; i < moved.length; i += 2) {
                moved[i] += (float) shift;
            }
            double d = ed.distance(moved);
            assertThat(d).as("shift %s", shift).isGreaterThan(prev);
            prev = d;
        }
        assertThat(floor).isPositive().isLessThan(0.02);
    }

    @Test
    void theResultDoesNotDependOnTheNumberOfThreads() throws Exception {
        float[] x = gaussian(5000, 2, 0.1, 3);
        float[] y = gaussian(4000, 2, 0, 4);
        double common = EnergyDistance.between(x, y, 2);
        ForkJoinPool one = new ForkJoinPool(1);
        ForkJoinPool three = new ForkJoinPool(3);
        try {
            double single = one.submit(() -> EnergyDistance.between(x, y, 2)).get();
            double triple = three.submit(() -> EnergyDistance.between(x, y, 2)).get();
            assertThat(single).isEqualTo(common);
            assertThat(triple).isEqualTo(common);
        } finally {
            one.shutdown();
            three.shutdown();
        }
    }

    @Test
    void rejectsEmptyOrRaggedInput() {
        assertThatThrownBy(() -> new EnergyDistance(new float[0], 2)).isInstanceOf(IllegalArgumentException.class);
        EnergyDistance ed = new EnergyDistance(new float[] {0, 0}, 2);
        assertThatThrownBy(() -> ed.distance(new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dim = 2");
    }
}

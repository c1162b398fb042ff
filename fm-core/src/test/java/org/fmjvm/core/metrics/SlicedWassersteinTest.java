package org.fmjvm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.ForkJoinPool;

import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

class SlicedWassersteinTest {

    @Test
    void aTranslatedCopyScoresTheRootMeanSquareOfTheProjectedShift() {
        Rng rng = Rng.seeded(5);
        int n = 4000;
        float[] x = new float[2 * n];
        float[] y = new float[2 * n];
        float mx = 0.75f;
        float my = -1.25f;
        for (int i = 0; i < 2 * n; i++) {
            x[i] = rng.nextInt(1024) / 64f - 8f; // dyadic values: x + m is exact in float
        }
        for (int i = 0; i < n; i++) {
            y[2 * i] = x[2 * i] + mx;
            y[2 * i + 1] = x[2 * i + 1] + my;
        }
        SlicedWasserstein sw = SlicedWasserstein.random(2, 256, Rng.seeded(6));
        double s = 0;
        for (int l = 0; l < sw.projections(); l++) {
            double[] th = sw.direction(l);
            double proj = th[0] * mx + th[1] * my;
            s += proj * proj;
        }
        double expected = Math.sqrt(s / sw.projections());
        assertThat(sw.distance(x, y)).isCloseTo(expected, within(1e-12));
        assertThat(sw.distance(y, x)).isCloseTo(expected, within(1e-12));
        // and the shift's norm bounds it: mean of cos^2 over directions is about 1/2
        assertThat(expected).isCloseTo(Math.hypot(mx, my) / Math.sqrt(2), within(0.15));
    }

    @Test
    void directionsAreUnitVectorsAndReproducible() {
        SlicedWasserstein a = SlicedWasserstein.random(3, 50, Rng.seeded(1));
        SlicedWasserstein b = SlicedWasserstein.random(3, 50, Rng.seeded(1));
        for (int l = 0; l < 50; l++) {
            double[] th = a.direction(l);
            assertThat(th[0] * th[0] + th[1] * th[1] + th[2] * th[2]).isCloseTo(1, within(1e-14));
            assertThat(th).containsExactly(b.direction(l));
        }
        SlicedWasserstein given = new SlicedWasserstein(2, new double[] {3, 4});
        assertThat(given.direction(0)).containsExactly(0.6, 0.8);
        assertThatThrownBy(() -> new SlicedWasserstein(2, new double[] {0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("norm");
    }

    @Test
    void identicalSetsScoreZeroAndOneDirectionIsTheOneDimensionalW2() {
        float[] x = Rng.seeded(2).normals(2000);
        SlicedWasserstein sw = SlicedWasserstein.random(2, 64, Rng.seeded(3));
        assertThat(sw.distance(x, x.clone())).isZero();
        // along the first axis: W2 of the x coordinates, sorted and paired
        SlicedWasserstein axis = new SlicedWasserstein(1, new double[] {1});
        float[] a = {3, 1, 2};
        float[] b = {0, 5, 1};
        // sorted: (1, 2, 3) vs (0, 1, 5): squared differences 1, 1, 4 -> mean 2
        assertThat(axis.distance(a, b)).isCloseTo(Math.sqrt(2), within(1e-15));
    }

    @Test
    void oneDimensionalW2OfUnequalSizesFollowsTheQuantileFunctions() {
        // F_a^-1 = 0; F_b^-1 = 0 on (0, 1/2], 1 on (1/2, 1]
        assertThat(SlicedWasserstein.w2Squared1d(new double[] {0}, new double[] {0, 1})).isCloseTo(0.5, within(1e-15));
        // a = {0, 1, 2}, b = {0, 2}: pieces (1/3, 1/2] and (1/2, 2/3] differ by 1 -> 1/6 + 1/6
        assertThat(SlicedWasserstein.w2Squared1d(new double[] {2, 0, 1}, new double[] {2, 0}))
                .isCloseTo(1.0 / 3, within(1e-15));
        // a point mass against any set: the mean squared distance to it
        assertThat(SlicedWasserstein.w2Squared1d(new double[] {1}, new double[] {0, 1, 5}))
                .isCloseTo((1 + 0 + 16) / 3.0, within(1e-14));
    }

    @Test
    void repeatingEveryPointDoesNotChangeTheDistance() {
        Rng rng = Rng.seeded(9);
        double[] a = new double[37];
        double[] b = new double[23];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = 1 + 2 * rng.nextGaussian();
        }
        double[] b3 = new double[3 * b.length];
        for (int i = 0; i < b3.length; i++) {
            b3[i] = b[i % b.length];
        }
        double w = SlicedWasserstein.w2Squared1d(a, b);
        assertThat(SlicedWasserstein.w2Squared1d(a, b3)).isCloseTo(w, within(1e-12));
        assertThat(SlicedWasserstein.w2Squared1d(b, a)).isCloseTo(w, within(1e-12));
        // equal sizes through the general formula: a against a copy of itself repeated twice
        double[] a2 = new double[2 * a.length];
        for (int i = 0; i < a2.length; i++) {
            a2[i] = a[i % a.length] + 0.5;
        }
        assertThat(SlicedWasserstein.w2Squared1d(a, a2)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void theResultDoesNotDependOnTheNumberOfThreads() throws Exception {
        float[] x = Rng.seeded(1).normals(6000);
        float[] y = Rng.seeded(2).normals(5000);
        SlicedWasserstein sw = SlicedWasserstein.random(2, 256, Rng.seeded(3));
        double common = sw.distance(x, y);
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            assertThat(one.submit(() -> sw.distance(x, y)).get()).isEqualTo(common);
        } finally {
            one.shutdown();
        }
    }
}

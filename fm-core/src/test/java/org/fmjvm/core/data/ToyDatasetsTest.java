package org.fmjvm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

class ToyDatasetsTest {

    private static final int N = 200_000;

    /** Sample mean and (population) variance per coordinate of a 2D set. */
    private static double[] moments(float[] x) {
        int n = x.length / 2;
        double[] s = new double[4];
        for (int i = 0; i < n; i++) {
            s[0] += x[2 * i];
            s[1] += x[2 * i + 1];
        }
        s[0] /= n;
        s[1] /= n;
        for (int i = 0; i < n; i++) {
            s[2] += (x[2 * i] - s[0]) * (x[2 * i] - s[0]);
            s[3] += (x[2 * i + 1] - s[1]) * (x[2 * i + 1] - s[1]);
        }
        s[2] /= n;
        s[3] /= n;
        return s;
    }

    private static void checkMoments(float[] x, double mx, double my, double vx, double vy) {
        double[] m = moments(x);
        int n = x.length / 2;
        assertThat(m[0]).as("mean x").isCloseTo(mx, within(5 * Math.sqrt(vx / n)));
        assertThat(m[1]).as("mean y").isCloseTo(my, within(5 * Math.sqrt(vy / n)));
        // generous: 2% relative is several standard errors at this n for these bounded distributions
        assertThat(m[2]).as("var x").isCloseTo(vx, within(0.02 * vx));
        assertThat(m[3]).as("var y").isCloseTo(vy, within(0.02 * vy));
    }

    @Test
    void moonsHaveTheClosedFormMeanAndVariance() {
        float[] x = new Moons().sample(N, Rng.seeded(11));
        // before scaling: upper moon (cos a, sin a), lower (1 - cos a, 0.5 - sin a), a ~ U[0, pi)
        double ey = 2 / Math.PI; // E sin a
        double varX = 0.5 + 0.25 + Moons.NOISE * Moons.NOISE;                 // within-moon 1/2, between 1/4
        double meanGap = (0.5 - ey) - ey;
        double varY = (0.5 - ey * ey) + meanGap * meanGap / 4 + Moons.NOISE * Moons.NOISE;
        double meanY = 0.25;
        checkMoments(x, 2 * 0.5 - 1, 2 * meanY - 0.2, 4 * varX, 4 * varY);
    }

    @Test
    void moonPointsLieNearTheirArcs() {
        float[] x = new Moons().sample(20_000, Rng.seeded(12));
        int far = 0;
        for (int i = 0; i < 20_000; i++) {
            double u = (x[2 * i] + 1) / 2;
            double v = (x[2 * i + 1] + 0.2) / 2;
            double dUpper = Math.abs(Math.hypot(u, v) - 1);
            double dLower = Math.abs(Math.hypot(u - 1, v - 0.5) - 1);
            if (Math.min(dUpper, dLower) > 5 * Moons.NOISE) {
                far++;
            }
        }
        assertThat(far).isLessThan(20);
    }

    @Test
    void circlesHaveRadiiThreeAndOneAndAHalf() {
        float[] x = new Circles().sample(N, Rng.seeded(13));
        double s2 = Circles.NOISE * Circles.NOISE;
        double v = 9 * (0.5 * (0.5 * 1 + 0.5 * 0.25) + s2);
        checkMoments(x, 0, 0, v, v);
        int outer = 0;
        for (int i = 0; i < N; i++) {
            double r = Math.hypot(x[2 * i], x[2 * i + 1]);
            if (Math.abs(r - 3) < Math.abs(r - 1.5)) {
                outer++;
            }
        }
        assertThat((double) outer / N).isCloseTo(0.5, within(5 * Math.sqrt(0.25 / N)));
    }

    @Test
    void checkerboardIsUniformOnItsEightSquares() {
        float[] x = new Checkerboard().sample(N, Rng.seeded(14));
        checkMoments(x, 0, 0, 64 / 12.0, 64 / 12.0);
        int[] cells = new int[16];
        for (int i = 0; i < N; i++) {
            assertThat(Checkerboard.inside(x[2 * i], x[2 * i + 1])).isTrue();
            int cx = (int) Math.floor(x[2 * i] / 2) + 2;
            int cy = (int) Math.floor(x[2 * i + 1] / 2) + 2;
            cells[cx * 4 + cy]++;
        }
        for (int cx = 0; cx < 4; cx++) {
            for (int cy = 0; cy < 4; cy++) {
                double f = (double) cells[cx * 4 + cy] / N;
                if ((cx + cy) % 2 == 0) {
                    assertThat(f).isCloseTo(1 / 8.0, within(5 * Math.sqrt(1 / 8.0 * 7 / 8.0 / N)));
                } else {
                    assertThat(f).isZero();
                }
            }
        }
    }

    @Test
    void checkerboardDensityIsOneOver32OnTheFilledSquares() {
        LogDensity q = new Checkerboard().logDensity().orElseThrow();
        float[] p = {1, 1, 3, 1, -3, -3, -3.5f, 0.5f, 4, 0, 3.99f, 3.99f, -4, -4, 0, -0.001f};
        assertThat(q.at(p, 0)).isEqualTo(-Math.log(32)); // cell (0, 0)
        assertThat(q.at(p, 1)).isEqualTo(Double.NEGATIVE_INFINITY); // cell (1, 0)
        assertThat(q.at(p, 2)).isEqualTo(-Math.log(32)); // cell (-2, -2)
        assertThat(q.at(p, 3)).isEqualTo(-Math.log(32)); // cell (-2, 0)
        assertThat(q.at(p, 4)).isEqualTo(Double.NEGATIVE_INFINITY); // x = 4 is outside [-4, 4)
        assertThat(q.at(p, 5)).isEqualTo(-Math.log(32)); // cell (1, 1)
        assertThat(q.at(p, 6)).isEqualTo(-Math.log(32)); // corner cell (-2, -2)
        assertThat(q.at(p, 7)).isEqualTo(Double.NEGATIVE_INFINITY); // cell (0, -1)

        assertThat(Quadrature.overSquare(q, 5, 0.01)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void twoSpiralsHaveTheClosedFormSecondMoment() {
        float[] x = new TwoSpirals().sample(N, Rng.seeded(15));
        // r = 3 pi sqrt(U) has density 2 r / (3 pi)^2 on [0, 3 pi]
        double pi2 = Math.PI * Math.PI;
        double er2 = 9 * pi2 / 2;
        double erSin = 2 * (9 * pi2 - 4) / (9 * pi2);
        double erCos = 2 * (-6 * Math.PI) / (9 * pi2);
        // |p|^2 = (r^2 + r (u2 sin r - u1 cos r) + (u1^2 + u2^2) / 4) / 9, u ~ U[0, 1)
        double e2 = (er2 + 0.5 * (erSin - erCos) + 0.25 * (2.0 / 3)) / 9 + 2 * TwoSpirals.NOISE * TwoSpirals.NOISE;
        double[] m = moments(x);
        assertThat(m[0]).isCloseTo(0, within(0.02));
        assertThat(m[1]).isCloseTo(0, within(0.02));
        double second = m[2] + m[3] + m[0] * m[0] + m[1] * m[1];
        assertThat(second).isCloseTo(e2, within(0.01 * e2));
        // and the two spirals are point reflections of each other: half the mass on each
        int upperRight = 0;
        for (int i = 0; i < N; i++) {
            if (x[2 * i] + x[2 * i + 1] > 0) {
                upperRight++;
            }
        }
        assertThat((double) upperRight / N).isCloseTo(0.5, within(0.01));
    }

    @Test
    void onlyTheGaussianSetsAndTheCheckerboardHaveADensity() {
        assertThat(new Moons().logDensity()).isEmpty();
        assertThat(new Circles().logDensity()).isEmpty();
        assertThat(new TwoSpirals().logDensity()).isEmpty();
        assertThat(new Checkerboard().logDensity()).isPresent();
    }

    @Test
    void everyBuiltInIsTwoDimensionalDeterministicAndNamedLikeItsRegistryEntry() {
        for (String name : Datasets.names()) {
            Dataset d = Datasets.byName(name);
            assertThat(d.name()).isEqualTo(name);
            assertThat(d.dim()).isEqualTo(2);
            assertThat(d.describe()).startsWith(name);
            float[] a = d.sample(500, Rng.seeded(5));
            assertThat(a).hasSize(1000).containsExactly(d.sample(500, Rng.seeded(5)));
            for (float v : a) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            assertThat(d.sample(0, Rng.seeded(5))).isEmpty();
        }
        assertThat(Datasets.names()).isEqualTo(List.of("checkerboard", "circles", "eight-gaussians",
                "four-gaussians", "moons", "two-spirals"));
    }
}

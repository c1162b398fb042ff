package org.fmjvm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

class GaussianSourceTest {

    @Test
    void samplesAreStandardNormalPerCoordinate() {
        GaussianSource src = new GaussianSource(3);
        int n = 100_000;
        float[] x = src.sample(n, Rng.seeded(21));
        assertThat(x).hasSize(3 * n);
        for (int d = 0; d < 3; d++) {
            double s = 0;
            double s2 = 0;
            for (int i = 0; i < n; i++) {
                s += x[i * 3 + d];
                s2 += x[i * 3 + d] * x[i * 3 + d];
            }
            assertThat(s / n).isCloseTo(0, within(5 / Math.sqrt(n)));
            assertThat(s2 / n).isCloseTo(1, within(5 * Math.sqrt(2.0 / n)));
        }
        // the same draws as Rng.normals, row by row
        assertThat(src.sample(10, Rng.seeded(3))).containsExactly(Rng.seeded(3).normals(30));
    }

    @Test
    void logDensityIsTheStandardNormalAndIntegratesToOne() {
        GaussianSource src = new GaussianSource(2);
        float[] p = {0, 0, 1, -2};
        assertThat(src.logDensityAt(p, 0)).isCloseTo(-Math.log(2 * Math.PI), within(1e-15));
        assertThat(src.logDensity().orElseThrow().at(p, 1)).isCloseTo(-Math.log(2 * Math.PI) - 2.5, within(1e-14));
        assertThat(Quadrature.overSquare(src::logDensityAt, 8, 0.02)).isCloseTo(1, within(1e-4));
    }

    @Test
    void rejectsANonPositiveDimension() {
        assertThatThrownBy(() -> new GaussianSource(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
    }
}

package org.fmjvm.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

class ClosestRecordsTest {

    /** The plain double loop the tiled, early-exit search must agree with. */
    private static void assertMatchesNaiveSearch(int records, int queries, int dim, long seed) {
        Rng rng = Rng.seeded(seed);
        double[] r = new double[records * dim];
        double[] q = new double[queries * dim];
        for (int i = 0; i < r.length; i++) {
            r[i] = rng.nextGaussian();
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = rng.nextGaussian();
        }
        ClosestRecords.Result got = new ClosestRecords(r, dim).nearest(q);
        for (int i = 0; i < queries; i++) {
            double best = Double.POSITIVE_INFINITY;
            int bestJ = -1;
            for (int j = 0; j < records; j++) {
                double s = 0;
                for (int d = 0; d < dim; d++) {
                    double t = q[i * dim + d] - r[j * dim + d];
                    s += t * t;
                }
                if (s < best) {
                    best = s;
                    bestJ = j;
                }
            }
            assertThat(got.index()[i]).as("query %d", i).isEqualTo(bestJ);
            assertThat(got.distance()[i]).isEqualTo(Math.sqrt(best));
        }
    }

    @Test
    void agreesWithTheNaiveSearchAcrossBlocksAndDimensions() {
        assertMatchesNaiveSearch(700, 100, 3, 1); // several query blocks, one record block
        assertMatchesNaiveSearch(1500, 70, 21, 2); // record blocks of 780 rows, partial early-exit chunks
        assertMatchesNaiveSearch(300, 40, 70, 3); // many 8-coordinate chunks per candidate
    }

    @Test
    void aRecordIsItsOwnClosestAtDistanceZeroAndTiesGoToTheFirst() {
        double[] r = {0, 0, 1, 1, 1, 1, 5, 5};
        ClosestRecords.Result res = new ClosestRecords(r, 2).nearest(new double[] {5, 5, 1, 1, 0.9, 1.2});
        assertThat(res.distance()[0]).isZero();
        assertThat(res.index()[0]).isEqualTo(3);
        assertThat(res.index()[1]).isEqualTo(1); // rows 1 and 2 are equal: the first wins
        assertThat(res.index()[2]).isEqualTo(1);
        assertThat(res.distance()[2]).isCloseTo(Math.sqrt(0.01 + 0.04), within(1e-15));
    }
}

package org.fmjvm.core.coupling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;

/** Sinkhorn's plan against its definition and against the exact assignment; the drawn pairings. */
class EntropicCouplingsTest {

    private static final int N = 48;

    @Test
    void marginalsAreUniformWithinTol() {
        double[] cost = LinearAssignmentTest.squaredDistances(Rng.seeded(1), N, 2, false);
        for (double reg : new double[] {1, 0.1, 0.01}) {
            double tol = 1e-6;
            EntropicPlan plan = new SinkhornCoupling(reg, 100_000, tol).plan(cost, N);
            assertThat(plan.rowError).as("reg %s: reported row error after %d iterations", reg, plan.iterations)
                    .isLessThanOrEqualTo(tol);
            for (int i = 0; i < N; i++) {
                double row = 0;
                double col = 0;
                for (int j = 0; j < N; j++) {
                    row += plan.entry(i, j);
                    col += plan.entry(j, i);
                }
                assertThat(Math.abs(N * row - 1)).as("reg %s, row %d", reg, i).isLessThanOrEqualTo(tol * 1.001);
                assertThat(Math.abs(N * col - 1)).as("reg %s, column %d", reg, i).isLessThanOrEqualTo(1e-9);
            }
        }
    }

    @Test
    void transportCostTendsToTheExactOptimumAsRegShrinks() {
        double[] cost = LinearAssignmentTest.squaredDistances(Rng.seeded(2), N, 2, false);
        double exact = LinearAssignment.totalCost(cost, N, LinearAssignment.solve(cost, N)) / N;
        double previous = Double.POSITIVE_INFINITY;
        for (double reg : new double[] {1, 0.1, 0.01}) {
            double c = new SinkhornCoupling(reg, 100_000, 1e-9).plan(cost, N).transportCost();
            assertThat(c).as("reg %s: plan cost, exact OT %s", reg, exact)
                    .isLessThan(previous).isGreaterThanOrEqualTo(exact * (1 - 1e-9));
            previous = c;
        }
        assertThat(previous).as("reg 0.01 against exact OT cost %s", exact).isLessThanOrEqualTo(exact * 1.03);
    }

    @Test
    void drawsAPermutationThatFollowsASharpPlan() {
        double[] cost = LinearAssignmentTest.squaredDistances(Rng.seeded(3), N, 2, true);
        for (double reg : new double[] {10, 0.05, 1e-4}) {
            int[] sigma = new SinkhornCoupling(reg, 20_000, 1e-6).plan(cost, N).samplePermutation(Rng.seeded(4));
            int[] sorted = sigma.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < N; i++) {
                assertThat(sorted[i]).as("reg %s: sorted draw %s", reg, Arrays.toString(sigma)).isEqualTo(i);
            }
        }
        double[] clean = LinearAssignmentTest.squaredDistances(Rng.seeded(5), N, 2, false);
        double exact = LinearAssignment.totalCost(clean, N, LinearAssignment.solve(clean, N));
        int[] sharp = new SinkhornCoupling(1e-4, 20_000, 1e-6).plan(clean, N).samplePermutation(Rng.seeded(6));
        assertThat(LinearAssignment.totalCost(clean, N, sharp)).as("a draw from a nearly sharp plan")
                .isLessThanOrEqualTo(exact * 1.05);
    }

    @Test
    void schrodingerBridgeUsesTwoSigmaSquaredOnTheRawCost() {
        double[] cost = LinearAssignmentTest.squaredDistances(Rng.seeded(7), N, 2, false);
        EntropicPlan sb = new SchrodingerBridgeCoupling(0.3).plan(cost, N);
        assertThat(sb.eps).isEqualTo(2 * 0.3 * 0.3);
        EntropicPlan direct = EntropicPlan.solve(cost, N, 0.18, SinkhornCoupling.DEFAULT_MAX_ITER,
                SinkhornCoupling.DEFAULT_TOL);
        assertThat(sb.transportCost()).isEqualTo(direct.transportCost());
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new SinkhornCoupling(0, 10, 1e-6)).hasMessageContaining("reg must be")
                .hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> new SinkhornCoupling(0.1, 0, 1e-6)).hasMessageContaining("max-iter must be >= 1, got 0");
        assertThatThrownBy(() -> new SinkhornCoupling(0.1, 10, Double.NaN)).hasMessageContaining("tol must be");
        assertThatThrownBy(() -> new SchrodingerBridgeCoupling(-1)).hasMessageContaining("sigma must be")
                .hasMessageContaining("got -1.0");
    }
}

package org.fmjvm.api.solver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fmjvm.api.error.ConfigurationException;
import org.junit.jupiter.api.Test;

/** The checks of {@link ButcherTableau} and {@link SolveOptions}: bad input fails in one line naming the value. */
class ButcherTableauAndOptionsTest {

    private static final double[] HEUN_C = {0, 1};
    private static final double[][] HEUN_A = {{}, {1}};

    @Test
    void acceptsHeunAndCopiesItsArrays() {
        double[] b = {0.5, 0.5};
        ButcherTableau heun = ButcherTableau.of("heun", 2, HEUN_C, HEUN_A, b);
        b[0] = 7;
        assertThat(heun.b()).containsExactly(0.5, 0.5);
        assertThat(heun.a()[1]).containsExactly(1, 0);
        heun.a()[1][0] = 9;
        assertThat(heun.a()[1][0]).isEqualTo(1);
        assertThat(heun.stages()).isEqualTo(2);
        assertThat(heun.evaluationsPerStep()).isEqualTo(2);
        assertThat(heun).isEqualTo(ButcherTableau.of("heun", 2, HEUN_C, HEUN_A, new double[] {0.5, 0.5}));
    }

    @Test
    void rejectsTableauxThatAreNotConsistentOrNotExplicit() {
        assertThatThrownBy(() -> ButcherTableau.of("bad", 2, new double[] {0, 0.5}, HEUN_A, new double[] {0.5, 0.5}))
                .hasMessage("tableau 'bad': c[1] = 0.5 but row 1 of a sums to 1.0");
        assertThatThrownBy(() -> ButcherTableau.of("bad", 2, HEUN_C, HEUN_A, new double[] {0.5, 0.6}))
                .hasMessage("tableau 'bad': b must sum to 1, got 1.1");
        assertThatThrownBy(() -> ButcherTableau.of("bad", 1, new double[] {1}, new double[][] {{1}}, new double[] {1}))
                .hasMessage("tableau 'bad': not explicit: a[0][0] = 1.0 is on or above the diagonal");
        assertThatThrownBy(() -> ButcherTableau.of("bad", 2, HEUN_C, new double[][] {{}, {1, 0, 0}}, new double[] {0.5, 0.5}))
                .hasMessage("tableau 'bad': row 1 of a must have 1 or 2 entries, got 3");
        assertThatThrownBy(() -> ButcherTableau.embedded("bad", 2, 1, true, HEUN_C, HEUN_A, new double[] {0.5, 0.5},
                new double[] {1, 0})).hasMessage("tableau 'bad': FSAL needs b[last] = 0 and c[last] = 1");
        assertThatThrownBy(() -> ButcherTableau.embedded("bad", 2, 2, false, HEUN_C, HEUN_A, new double[] {0.5, 0.5},
                new double[] {1, 0})).hasMessage("tableau 'bad': embedded order must be >= 1 and differ from the order 2, got 2");
    }

    @Test
    void rejectsBadOptionsNamingTheValue() {
        SolveOptions o = SolveOptions.steps(4);
        assertThatThrownBy(() -> o.withTolerances(0, 1e-3)).isInstanceOf(ConfigurationException.class)
                .hasMessage("solver tolerances must be finite and > 0, got atol = 0.0, rtol = 0.001");
        assertThatThrownBy(() -> o.withTolerances(1e-3, -1)).hasMessageContaining("rtol = -1.0");
        assertThatThrownBy(() -> o.withMaxSteps(0)).hasMessage("solver max-steps must be >= 1, got 0");
        assertThatThrownBy(() -> o.withFirstStep(-0.5))
                .hasMessage("solver first-step must be >= 0 (0: chosen by the solver), got -0.5");
        assertThatThrownBy(() -> o.withSteps(-1)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> o.withGrid(0.1, 0.5, 1)).hasMessage("solver output grid must start at t0 = 0.0, got 0.1");
        assertThatThrownBy(() -> o.withGrid(0, 0.5, 0.9)).hasMessage("solver output grid must end at t1 = 1.0, got 0.9");
        assertThatThrownBy(() -> o.withGrid(0, 0.6, 0.5, 1)).hasMessage(
                "solver output grid must be strictly increasing from t0 = 0.0 to t1 = 1.0, got grid[2] = 0.5 after 0.6");
        assertThatThrownBy(() -> o.between(1, 0).withGrid(1, 0.2, 0.4, 0)).hasMessage(
                "solver output grid must be strictly decreasing from t0 = 1.0 to t1 = 0.0, got grid[2] = 0.4 after 0.2");
        assertThatThrownBy(() -> SolveOptions.adaptive(1e-3, 1e-3).stepSize()).hasMessageContaining("steps is 0");
    }

    @Test
    void keepsTheOldFactoriesAndTheFourArgumentSolution() {
        SolveOptions o = SolveOptions.steps(8).between(1, 0).withTrajectory().withTolerances(1e-6, 1e-7);
        assertThat(o.stepSize()).isEqualTo(-0.125);
        assertThat(o.maxSteps()).isEqualTo(SolveOptions.DEFAULT_MAX_STEPS);
        assertThat(o.firstStep()).isZero();
        assertThat(o.hasGrid()).isFalse();
        assertThat(o.withGrid(1, 0.5, 0).grid()).containsExactly(1, 0.5, 0);
        double[] grid = {1, 0.5, 0};
        SolveOptions g = o.withGrid(grid);
        grid[1] = 0.7;
        assertThat(g.grid()).containsExactly(1, 0.5, 0);
    }

    @Test
    void distributesAFixedBudgetOverTheGrid() {
        assertThat(RungeKutta.distribute(10, new double[] {0, 0.5, 1})).containsExactly(5, 5);
        assertThat(RungeKutta.distribute(4, new double[] {0, 0.1, 0.2, 0.3, 0.4, 1})).containsExactly(1, 1, 1, 1, 1);
        assertThat(RungeKutta.distribute(20, new double[] {1, 0.9, 0})).containsExactly(2, 18);
        int[] per = RungeKutta.distribute(37, new double[] {0, 0.13, 0.4, 0.41, 0.77, 1});
        assertThat(java.util.Arrays.stream(per).sum()).isEqualTo(37);
        assertThat(java.util.Arrays.stream(per).min().getAsInt()).isGreaterThanOrEqualTo(1);
    }
}

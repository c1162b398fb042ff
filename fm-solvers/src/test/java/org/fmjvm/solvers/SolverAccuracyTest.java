package org.fmjvm.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.Solution;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.VelocityField;
import org.fmjvm.api.spi.ComponentParams;
import org.fmjvm.testkit.BackendSuite;
import org.fmjvm.testkit.BackendsOnClassPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every built-in solver against closed-form solutions in float64 (cubic in t, decay, rotation,
 * logistic), forwards, backwards and on an irregular output grid; observed orders; dopri5 against
 * its tolerance and against commons-dp54; exact NFE counts; max-steps. Measured numbers are printed
 * (target/surefire-reports/*-output.txt).
 */
class SolverAccuracyTest extends BackendSuite {

    private static final double[] X0 = {0.2, 0.5, 0.9, 1.1};

    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }

    /** A problem on [4, 1] states ([2, 2] for the rotation) with its exact solution from (t0, x0) to t. */
    private record Problem(String name, VelocityField field, int dim, Exact exact) {
    }

    @FunctionalInterface
    private interface Exact {
        double value(double x0, double other, int component, double t0, double t);
    }

    private static final Problem CUBIC = new Problem("dx/dt = 3t^2", (t, x) -> x.mul(0).add(3 * t * t), 1,
            (x0, o, c, t0, t) -> x0 + t * t * t - t0 * t0 * t0);
    private static final Problem DECAY = new Problem("dx/dt = -x", (t, x) -> x.neg(), 1,
            (x0, o, c, t0, t) -> x0 * Math.exp(-(t - t0)));
    private static final Problem ROTATION = new Problem("rotation", (t, x) -> x.slice(1, 1, 2).neg()
            .concat(x.slice(1, 0, 1), 1), 2, (x0, o, c, t0, t) -> c == 0
                    ? Math.cos(t - t0) * x0 - Math.sin(t - t0) * o : Math.sin(t - t0) * o + Math.cos(t - t0) * x0);
    private static final Problem LOGISTIC = new Problem("logistic", (t, x) -> x.mul(x.rsub(1)), 1,
            (x0, o, c, t0, t) -> 1 / (1 + (1 / x0 - 1) * Math.exp(-(t - t0))));

    private static final Map<String, OdeSolver> SOLVERS = Map.of("euler", Tableaux.EULER_SOLVER,
            "midpoint", Tableaux.MIDPOINT_SOLVER, "heun", Tableaux.HEUN_SOLVER, "rk4", Tableaux.RK4_SOLVER,
            "dopri5", Tableaux.DOPRI5_SOLVER, "commons-dp54", CommonsDormandPrince54.fromOptions());
    /** Step budgets (fixed) and allowed max errors, chosen from each method's order. */
    private static final Map<String, Integer> BUDGET = Map.of("euler", 4000, "midpoint", 400, "heun", 400, "rk4", 50);
    private static final Map<String, Double> ALLOWED = Map.of("euler", 5e-3, "midpoint", 1e-4, "heun", 1e-4,
            "rk4", 1e-7, "dopri5", 1e-6, "commons-dp54", 1e-6);

    private static SolveOptions options(String name, double t0, double t1) {
        return BUDGET.containsKey(name) ? SolveOptions.steps(BUDGET.get(name)).between(t0, t1)
                : SolveOptions.adaptive(1e-8, 1e-8).between(t0, t1);
    }

    private static double[] exact(Problem p, double[] x0, double t0, double t) {
        double[] out = new double[x0.length];
        for (int i = 0; i < x0.length; i++) {
            if (p.dim == 2) {
                int c = i % 2;
                out[i] = c == 0 ? p.exact.value(x0[i], x0[i + 1], 0, t0, t)
                        : p.exact.value(x0[i], x0[i - 1], 1, t0, t);
            } else {
                out[i] = p.exact.value(x0[i], 0, 0, t0, t);
            }
        }
        return out;
    }

    private static double maxError(double[] got, double[] want) {
        double e = 0;
        for (int i = 0; i < got.length; i++) {
            e = Math.max(e, Math.abs(got[i] - want[i]));
        }
        return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
    }

    private Solution solve(OdeSolver solver, Problem p, SolveOptions o, List<double[]> outputs) {
        Tensor x0 = backend().fromArray(X0, DType.FLOAT64, X0.length / p.dim, p.dim);
        if (outputs != null) {
            o = o.withStepHandler((t, x) -> {
                double[] row = x.toDoubleArray();
                double[] withT = new double[row.length + 1];
                withT[0] = t;
                System.arraycopy(row, 0, withT, 1, row.length);
                outputs.add(withT);
            });
        }
        return solver.solve(p.field, x0, o);
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler", "midpoint", "heun", "rk4", "dopri5", "commons-dp54"})
    void everySolverMeetsTheClosedFormsForwardsAndBackwards(String name) {
        OdeSolver solver = SOLVERS.get(name);
        for (Problem p : List.of(CUBIC, DECAY, ROTATION, LOGISTIC)) {
            for (double[] interval : new double[][] {{0, 1}, {1, 0}, {0.3, 2.1}}) {
                try (TensorScope scope = backend().openScope()) {
                    double[] got = solve(solver, p, options(name, interval[0], interval[1]), null).x().toDoubleArray();
                    double err = maxError(got, exact(p, X0, interval[0], interval[1]));
                    assertThat(err).as("%s on %s from %s to %s", name, p.name, interval[0], interval[1])
                            .isLessThanOrEqualTo(ALLOWED.get(name));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler", "midpoint", "heun", "rk4", "dopri5", "commons-dp54"})
    void everySolverReportsTheStateExactlyAtIrregularGridPoints(String name) {
        OdeSolver solver = SOLVERS.get(name);
        double[] forward = {0, 0.13, 0.4, 0.41, 0.77, 1.35};
        double[] backward = {1.35, 1.2, 0.5, 0.49, 0.05, 0};
        for (Problem p : List.of(DECAY, ROTATION, LOGISTIC)) {
            for (double[] grid : new double[][] {forward, backward}) {
                List<double[]> outputs = new ArrayList<>();
                try (TensorScope scope = backend().openScope()) {
                    SolveOptions o = options(name, grid[0], grid[grid.length - 1]).withGrid(grid).withTrajectory();
                    Solution s = solve(solver, p, o, outputs);
                    assertThat(s.trajectory().orElseThrow().times()).containsExactly(grid);
                    assertThat(outputs).hasSize(grid.length);
                    for (int k = 0; k < grid.length; k++) {
                        double[] row = outputs.get(k);
                        assertThat(row[0]).isEqualTo(grid[k]);
                        double[] state = java.util.Arrays.copyOfRange(row, 1, row.length);
                        assertThat(maxError(state, exact(p, X0, grid[0], grid[k])))
                                .as("%s on %s at grid time %s", name, p.name, grid[k])
                                .isLessThanOrEqualTo(ALLOWED.get(name));
                    }
                    assertThat(outputs.get(grid.length - 1)).as("the last output is the final state")
                            .containsExactly(prepend(grid[grid.length - 1], s.x().toDoubleArray()));
                }
            }
        }
    }

    private static double[] prepend(double t, double[] x) {
        double[] out = new double[x.length + 1];
        out[0] = t;
        System.arraycopy(x, 0, out, 1, x.length);
        return out;
    }

    @Test
    void halvingTheStepDividesTheErrorByTwoToTheOrder() {
        Map<String, Double> expected = Map.of("euler", 2.0, "midpoint", 4.0, "heun", 4.0, "rk4", 16.0);
        StringBuilder report = new StringBuilder("observed error ratios when the step halves (rotation, 0 to 1, float64):");
        for (String name : List.of("euler", "midpoint", "heun", "rk4")) {
            double[] errors = new double[2];
            int n = name.equals("rk4") ? 16 : 64;
            for (int i = 0; i < 2; i++) {
                try (TensorScope scope = backend().openScope()) {
                    double[] got = solve(SOLVERS.get(name), ROTATION, SolveOptions.steps(n << i), null).x().toDoubleArray();
                    errors[i] = maxError(got, exact(ROTATION, X0, 0, 1));
                }
            }
            double ratio = errors[0] / errors[1];
            report.append(String.format(" %s %d->%d steps: %.3f;", name, n, 2 * n, ratio));
            assertThat(ratio).as(name).isCloseTo(expected.get(name), within(expected.get(name) * 0.05));
        }
        System.out.println(report);
    }

    @Test
    void dopri5MeetsItsToleranceAndAgreesWithCommonsMath() {
        StringBuilder table = new StringBuilder("tol | dopri5 err rotation | logistic | nfe acc rej | commons err | |dopri5-commons|\n");
        for (double tol = 1e-3; tol >= 1e-8 * 0.99; tol /= 10) {
            double worst = 0;
            String counts = "";
            double commonsWorst = 0;
            double gap = 0;
            for (Problem p : List.of(ROTATION, LOGISTIC, DECAY)) {
                SolveOptions o = SolveOptions.adaptive(tol, tol).between(0, 3);
                try (TensorScope scope = backend().openScope()) {
                    Solution ours = solve(Tableaux.DOPRI5_SOLVER, p, o, null);
                    Solution theirs = solve(CommonsDormandPrince54.fromOptions(), p, o, null);
                    double[] want = exact(p, X0, 0, 3);
                    double e = maxError(ours.x().toDoubleArray(), want);
                    double ec = maxError(theirs.x().toDoubleArray(), want);
                    worst = Math.max(worst, e);
                    commonsWorst = Math.max(commonsWorst, ec);
                    gap = Math.max(gap, maxError(ours.x().toDoubleArray(), theirs.x().toDoubleArray()));
                    if (p == ROTATION) {
                        counts = ours.nfe() + " " + ours.accepted() + " " + ours.rejected();
                        table.append(String.format("%.0e | %.2e", tol, e));
                    } else if (p == LOGISTIC) {
                        table.append(String.format(" | %.2e", e));
                    }
                    assertThat(ours.nfe()).as("nfe = 2 + 6 (accepted + rejected)")
                            .isEqualTo(2 + 6 * (ours.accepted() + ours.rejected()));
                }
            }
            table.append(String.format(" | %s | %.2e | %.2e%n", counts, commonsWorst, gap));
            assertThat(worst).as("dopri5 max error at tolerance %s", tol).isLessThanOrEqualTo(10 * tol);
            assertThat(gap).as("dopri5 against commons-dp54 at tolerance %s", tol).isLessThanOrEqualTo(10 * tol);
        }
        System.out.print(table);
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler", "midpoint", "heun", "rk4"})
    void fixedStepNfeIsStepsTimesStages(String name) {
        int stages = Map.of("euler", 1, "midpoint", 2, "heun", 2, "rk4", 4).get(name);
        int[] calls = {0};
        Problem counting = new Problem("counted decay", (t, x) -> {
            calls[0]++;
            return x.neg();
        }, 1, DECAY.exact);
        try (TensorScope scope = backend().openScope()) {
            Solution s = solve(SOLVERS.get(name), counting, SolveOptions.steps(13).between(1, 0.2), null);
            assertThat(s.nfe()).isEqualTo(13 * stages).isEqualTo(calls[0]);
            assertThat(s.steps()).isEqualTo(13);
            assertThat(s.rejected()).isZero();
            calls[0] = 0;
            Solution g = solve(SOLVERS.get(name), counting, SolveOptions.steps(13).withGrid(0, 0.1, 0.15, 1), null);
            assertThat(g.steps()).isEqualTo(13);
            assertThat(g.nfe()).isEqualTo(13 * stages).isEqualTo(calls[0]);
        }
    }

    @Test
    void dopri5CountsOneEvaluationPlusSixPerAttemptWithRejections() {
        int[] calls = {0};
        Problem counting = new Problem("counted rotation", (t, x) -> {
            calls[0]++;
            return ROTATION.field.velocity(t, x);
        }, 2, ROTATION.exact);
        try (TensorScope scope = backend().openScope()) {
            Solution s = solve(Tableaux.DOPRI5_SOLVER, counting, SolveOptions.adaptive(1e-9, 1e-9).between(0, 4)
                    .withFirstStep(2), null);
            assertThat(s.rejected()).as("rejections after a first step of 2").isPositive();
            assertThat(s.nfe()).isEqualTo(calls[0]).isEqualTo(1 + 6 * (s.accepted() + s.rejected()));
            calls[0] = 0;
            Solution r = solve(Tableaux.DOPRI5_SOLVER, counting, SolveOptions.adaptive(1e-5, 1e-5), null);
            assertThat(r.nfe()).isEqualTo(calls[0]).isEqualTo(2 + 6 * (r.accepted() + r.rejected()));
            System.out.println("dopri5 on the rotation, 0 to 1, rtol = atol = 1e-5: nfe " + r.nfe() + ", accepted "
                    + r.accepted() + ", rejected " + r.rejected() + ", error "
                    + maxError(r.x().toDoubleArray(), exact(ROTATION, X0, 0, 1)));
        }
    }

    @Test
    void exhaustingMaxStepsNamesTheTimeReachedAndTheFix() {
        try (TensorScope scope = backend().openScope()) {
            assertThatThrownBy(() -> solve(Tableaux.DOPRI5_SOLVER, ROTATION,
                    SolveOptions.adaptive(1e-12, 1e-12).between(0, 50).withMaxSteps(20), null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("dopri5 stopped at t = ")
                    .hasMessageContaining("after 20 step attempts")
                    .hasMessageContaining("raise max-steps or loosen the tolerances (atol = 1.0E-12, rtol = 1.0E-12)")
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> solve(CommonsDormandPrince54.fromOptions(), ROTATION,
                    SolveOptions.adaptive(1e-12, 1e-12).between(0, 50).withMaxSteps(20), null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("commons-dp54 stopped at t = ")
                    .hasMessageContaining("raise max-steps or loosen the tolerances");
            assertThatThrownBy(() -> solve(Tableaux.RK4_SOLVER, ROTATION, SolveOptions.adaptive(1e-3, 1e-3), null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("rk4 takes fixed steps: give a step budget >= 1 (SolveOptions.steps(n)), got steps = 0");
        }
    }

    @Test
    void configuredDopri5UsesItsOwnTolerances() {
        var factory = new SolversModuleTest().factory("dopri5");
        OdeSolver loose = (OdeSolver) factory.create(new ComponentParams("solver 'dopri5'", factory.parameters(),
                Map.of("rtol", "1e-3", "atol", "1e-3")));
        OdeSolver tight = (OdeSolver) factory.create(new ComponentParams("solver 'dopri5'", factory.parameters(),
                Map.of("rtol", "1e-9", "atol", "1e-9")));
        try (TensorScope scope = backend().openScope()) {
            SolveOptions o = SolveOptions.steps(10).between(0, 3);
            double el = maxError(solve(loose, ROTATION, o, null).x().toDoubleArray(), exact(ROTATION, X0, 0, 3));
            double et = maxError(solve(tight, ROTATION, o, null).x().toDoubleArray(), exact(ROTATION, X0, 0, 3));
            assertThat(et).isLessThanOrEqualTo(1e-8).isLessThan(el / 1000);
        }
        assertThat(loose.describe()).isEqualTo(
                "dopri5 (adaptive, order 5(4), FSAL, 6 NFE per step, rtol = 0.001, atol = 0.001, max-steps = 10000, first-step = auto)");
        assertThatThrownBy(() -> factory.create(new ComponentParams("solver 'dopri5'", factory.parameters(),
                Map.of("rtol", "-1")))).hasMessage("solver 'dopri5': rtol must be > 0, got -1");
        assertThatThrownBy(() -> factory.create(new ComponentParams("solver 'dopri5'", factory.parameters(),
                Map.of("max-steps", "0")))).hasMessage("solver 'dopri5': max-steps must be in [1, 268435455], got 0");
    }
}

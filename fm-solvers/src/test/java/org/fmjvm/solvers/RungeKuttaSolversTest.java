package org.fmjvm.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;
import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.solver.RungeKutta;
import org.fmjvm.api.solver.Solution;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.SolverStep;
import org.fmjvm.api.solver.VelocityField;
import org.fmjvm.testkit.BackendSuite;
import org.fmjvm.testkit.BackendsOnClassPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fixed-step Runge-Kutta solvers against exact solutions, in float64. */
class RungeKuttaSolversTest extends BackendSuite {

    private static final double[] X0 = {1.0, -2.0, 0.5};

    @Override
    protected Backend createBackend() {
        return BackendsOnClassPath.openPreferred();
    }

    /** dx/dt = 3 t^2: exact x(1) = x(0) + 1. */
    private static final VelocityField CUBIC = (t, x) -> x.mul(0).add(3 * t * t);
    /** dx/dt = -x: exact x(t) = x(0) e^(-t). */
    private static final VelocityField DECAY = (t, x) -> x.neg();

    private double[] solve(RungeKutta solver, VelocityField f, SolveOptions options) {
        try (TensorScope scope = backend().openScope()) {
            Tensor x0 = backend().fromArray(X0, X0.length, 1);
            return solver.solve(f, x0, options).x().toDoubleArray();
        }
    }

    private static double maxError(double[] got, double[] want) {
        double e = 0;
        for (int i = 0; i < got.length; i++) {
            e = Math.max(e, Math.abs(got[i] - want[i]));
        }
        return e;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 10, 100})
    void eulerOnCubicHasItsClosedFormError(int n) {
        // Euler sums h * 3 (k h)^2 for k < n, which is 1 - (3n - 1) / (2 n^2).
        double[] x = solve(Tableaux.EULER_SOLVER, CUBIC, SolveOptions.steps(n));
        double expectedError = (3.0 * n - 1) / (2.0 * n * n);
        for (int i = 0; i < X0.length; i++) {
            assertThat(X0[i] + 1 - x[i]).isCloseTo(expectedError, within(1e-12));
        }
    }

    @Test
    void eulerErrorOnCubicShrinksLinearly() {
        double[] exact = {2.0, -1.0, 1.5};
        double e1 = maxError(solve(Tableaux.EULER_SOLVER, CUBIC, SolveOptions.steps(50)), exact);
        double e2 = maxError(solve(Tableaux.EULER_SOLVER, CUBIC, SolveOptions.steps(100)), exact);
        assertThat(e1 / e2).isCloseTo(2.0, within(0.05));
    }

    @Test
    void eulerOnDecayIsTheDiscreteGeometricSequence() {
        int n = 10;
        double[] x = solve(Tableaux.EULER_SOLVER, DECAY, SolveOptions.steps(n));
        for (int i = 0; i < X0.length; i++) {
            assertThat(x[i]).isCloseTo(X0[i] * Math.pow(1 - 1.0 / n, n), within(1e-12));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler", "midpoint", "heun", "rk4"})
    void errorOnDecayShrinksWithTheMethodsOrder(String name) {
        RungeKutta solver = byName(name);
        double[] exact = new double[X0.length];
        for (int i = 0; i < X0.length; i++) {
            exact[i] = X0[i] * Math.exp(-1);
        }
        double e1 = maxError(solve(solver, DECAY, SolveOptions.steps(16)), exact);
        double e2 = maxError(solve(solver, DECAY, SolveOptions.steps(32)), exact);
        double ratio = e1 / e2;
        double expected = Math.pow(2, solver.order());
        assertThat(ratio).as("error ratio when halving the step").isCloseTo(expected, within(expected * 0.1));
    }

    @Test
    void integratesBackwardsInTime() {
        double[] x = solve(Tableaux.RK4_SOLVER, DECAY, SolveOptions.steps(64).between(1, 0));
        for (int i = 0; i < X0.length; i++) {
            assertThat(x[i]).isCloseTo(X0[i] * Math.E, within(1e-8));
        }
    }

    @Test
    void rk4MatchesCommonsMathOnANonlinearProblem() {
        // dx/dt = sin(3 t) x - x^3 / 4: no closed form; Dormand-Prince 8(5,3) at tight tolerance is the reference.
        VelocityField f = (t, x) -> x.mul(Math.sin(3 * t)).sub(x.pow(3).div(4));
        double[] ours = solve(Tableaux.RK4_SOLVER, f, SolveOptions.steps(400));
        DormandPrince853Integrator reference = new DormandPrince853Integrator(1e-12, 1, 1e-13, 1e-13);
        for (int i = 0; i < X0.length; i++) {
            double[] y = {X0[i]};
            reference.integrate(new FirstOrderDifferentialEquations() {
                @Override
                public int getDimension() {
                    return 1;
                }

                @Override
                public void computeDerivatives(double t, double[] state, double[] dot) {
                    dot[0] = Math.sin(3 * t) * state[0] - state[0] * state[0] * state[0] / 4;
                }
            }, 0, y, 1, y);
            assertThat(ours[i]).isCloseTo(y[0], within(1e-9));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler", "midpoint", "heun", "rk4"})
    void countsEvaluationsAndReportsEveryStep(String name) {
        RungeKutta solver = byName(name);
        int[] calls = {0};
        VelocityField counting = (t, x) -> {
            calls[0]++;
            return x.neg();
        };
        List<SolverStep> events = new ArrayList<>();
        try (TensorScope scope = backend().openScope()) {
            Solution s = solver.solve(counting, backend().fromArray(X0, X0.length, 1),
                    SolveOptions.steps(7).withListener(events::add));
            int perStep = java.util.Map.of("euler", 1, "midpoint", 2, "heun", 2, "rk4", 4).get(name);
            assertThat(s.nfe()).isEqualTo(7 * perStep).isEqualTo(calls[0]);
            assertThat(s.steps()).isEqualTo(7);
        }
        assertThat(events).hasSize(7);
        assertThat(events.get(6).t()).isEqualTo(1.0);
        for (int k = 0; k < 7; k++) {
            assertThat(events.get(k).step()).isEqualTo(k + 1);
            assertThat(events.get(k).h()).isCloseTo(1.0 / 7, within(1e-15));
        }
    }

    @Test
    void recordsTheTrajectory() {
        try (TensorScope scope = backend().openScope()) {
            Tensor x0 = backend().fromArray(new float[] {1, 2, 3, 4}, 2, 2);
            Solution s = Tableaux.EULER_SOLVER.solve(DECAY, x0, SolveOptions.steps(4).withTrajectory());
            var traj = s.trajectory().orElseThrow();
            assertThat(traj.times()).containsExactly(0, 0.25, 0.5, 0.75, 1.0);
            assertThat(traj.states()).hasSize(5);
            assertThat(traj.states().get(0)).containsExactly(1, 2, 3, 4);
            assertThat(traj.states().get(4)).containsExactly(s.x().toFloatArray());
            assertThat(traj.states().get(1)).containsExactly(0.75f, 1.5f, 2.25f, 3f);
        }
    }

    @Test
    void keepsOnlyTheResultAlive() {
        try (TensorScope scope = backend().openScope()) {
            Tensor x0 = backend().fromArray(X0, X0.length, 1);
            long before = backend().liveTensors();
            Tableaux.RK4_SOLVER.solve(DECAY, x0, SolveOptions.steps(500));
            assertThat(backend().liveTensors()).isEqualTo(before + 1);
        }
    }

    private static RungeKutta byName(String name) {
        return switch (name) {
            case "euler" -> Tableaux.EULER_SOLVER;
            case "midpoint" -> Tableaux.MIDPOINT_SOLVER;
            case "heun" -> Tableaux.HEUN_SOLVER;
            default -> Tableaux.RK4_SOLVER;
        };
    }

}

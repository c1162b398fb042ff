package com.example.fmplugin;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.solver.ButcherTableau;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.RungeKutta;
import org.fmjvm.api.solver.Solution;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.VelocityField;

/**
 * Ralston's method, the two-stage second-order Runge-Kutta method with the smallest error bound:
 * {@code k1 = v(t, x)}, {@code k2 = v(t + 2h/3, x + 2h/3 k1)}, {@code x += h (k1 + 3 k2) / 4}; two
 * velocity evaluations per step. The method is its Butcher tableau; fm-api's {@link RungeKutta}
 * takes the steps (equal steps from {@code t0} to {@code t1}, forwards or backwards, one tensor
 * scope per step, NFE counts, listeners, trajectories and output grids). Immutable and thread-safe.
 */
public final class RalstonSolver implements OdeSolver {

    /** c = (0, 2/3), a21 = 2/3, b = (1/4, 3/4). */
    public static final ButcherTableau TABLEAU = ButcherTableau.of("ralston", 2,
            new double[] {0, 2.0 / 3},
            new double[][] {{}, {2.0 / 3}},
            new double[] {0.25, 0.75});

    private final RungeKutta method = RungeKutta.of(TABLEAU);

    @Override
    public Solution solve(VelocityField field, Tensor x0, SolveOptions options) {
        return method.solve(field, x0, options);
    }

    @Override
    public int order() {
        return method.order();
    }

    @Override
    public String describe() {
        return method.describe();
    }
}

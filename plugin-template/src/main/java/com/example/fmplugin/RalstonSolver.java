package com.example.fmplugin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.Solution;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.SolverListener;
import org.fmjvm.api.solver.SolverStep;
import org.fmjvm.api.solver.Trajectory;
import org.fmjvm.api.solver.VelocityField;

/**
 * Ralston's method, the two-stage second-order Runge-Kutta method with the smallest error bound:
 * {@code k1 = v(t, x)}, {@code k2 = v(t + 2h/3, x + 2h/3 k1)}, {@code x += h (k1 + 3 k2) / 4}; two
 * velocity evaluations per step. It takes {@code options.steps()} equal steps from {@code t0} to
 * {@code t1}, forwards or backwards.
 *
 * <p>Tensor scopes, as {@link OdeSolver} asks: each step runs in its own scope and keeps only the
 * new state, the previous state (never the caller's {@code x0}) is closed as soon as it is
 * replaced, and the final state is left in the caller's scope. Immutable and thread-safe.
 */
public final class RalstonSolver implements OdeSolver {

    @Override
    public Solution solve(VelocityField field, Tensor x0, SolveOptions options) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(options, "options");
        if (x0.rank() != 2) {
            throw new ShapeMismatchException("ralston: the initial state must have shape [B, D], got "
                    + Arrays.toString(x0.shape()));
        }
        int steps = options.steps();
        double t0 = options.t0();
        double span = options.t1() - t0;
        List<float[]> states = options.captureTrajectory() ? new ArrayList<>(steps + 1) : null;
        double[] times = options.captureTrajectory() ? new double[steps + 1] : null;
        if (states != null) {
            states.add(x0.toFloatArray());
            times[0] = t0;
        }
        Tensor x = x0;
        int nfe = 0;
        for (int k = 0; k < steps; k++) {
            double t = t0 + span * k / steps;
            double tNext = k + 1 == steps ? options.t1() : t0 + span * (k + 1) / steps;
            double h = tNext - t;
            Tensor next;
            try (TensorScope scope = x0.backend().openScope()) {
                Tensor k1 = field.velocity(t, x);
                Tensor k2 = field.velocity(t + 2 * h / 3, x.add(k1.mul(2 * h / 3)));
                next = scope.keep(x.add(k1.add(k2.mul(3)).mul(h / 4)));
            }
            if (x != x0) {
                x.close();
            }
            x = next;
            nfe += 2;
            if (states != null) {
                states.add(x.toFloatArray());
                times[k + 1] = tNext;
            }
            SolverStep event = new SolverStep(k + 1, tNext, h, nfe);
            for (SolverListener listener : options.listeners()) {
                listener.onStep(event);
            }
        }
        Optional<Trajectory> trajectory = states == null ? Optional.empty()
                : Optional.of(new Trajectory(times, states, x0.dim(0), x0.dim(1)));
        return new Solution(x, nfe, steps, trajectory);
    }

    @Override
    public int order() {
        return 2;
    }

    @Override
    public String describe() {
        return "ralston (fixed step, order 2, 2 NFE per step)";
    }

    @Override
    public String toString() {
        return describe();
    }
}

package org.fmjvm.solvers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.Backend;
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
 * A fixed-step explicit solver: {@code options.steps()} equal steps from {@code t0} to {@code t1}
 * (either direction), each taken by a {@link Stepper} inside its own tensor scope, so only the
 * current state stays alive. Time points are computed as {@code t0 + k (t1 - t0) / steps}, so the
 * last step ends exactly at {@code t1}. Immutable and thread-safe; each solve is independent.
 */
public final class FixedStepSolver implements OdeSolver {

    /** Forward Euler: {@code x += h v(t, x)}; order 1, one evaluation per step. */
    public static final FixedStepSolver EULER = new FixedStepSolver("euler", 1, new Stepper() {
        @Override
        public Tensor step(VelocityField f, double t, double h, Tensor x) {
            return x.add(f.velocity(t, x).mul(h));
        }

        @Override
        public int evaluationsPerStep() {
            return 1;
        }
    });

    /** Explicit midpoint: {@code x += h v(t + h/2, x + h/2 v(t, x))}; order 2, two evaluations. */
    public static final FixedStepSolver MIDPOINT = new FixedStepSolver("midpoint", 2, new Stepper() {
        @Override
        public Tensor step(VelocityField f, double t, double h, Tensor x) {
            Tensor k1 = f.velocity(t, x);
            Tensor mid = x.add(k1.mul(h / 2));
            return x.add(f.velocity(t + h / 2, mid).mul(h));
        }

        @Override
        public int evaluationsPerStep() {
            return 2;
        }
    });

    /** Classic fourth-order Runge-Kutta; order 4, four evaluations per step. */
    public static final FixedStepSolver RK4 = new FixedStepSolver("rk4", 4, new Stepper() {
        @Override
        public Tensor step(VelocityField f, double t, double h, Tensor x) {
            Tensor k1 = f.velocity(t, x);
            Tensor k2 = f.velocity(t + h / 2, x.add(k1.mul(h / 2)));
            Tensor k3 = f.velocity(t + h / 2, x.add(k2.mul(h / 2)));
            Tensor k4 = f.velocity(t + h, x.add(k3.mul(h)));
            Tensor sum = k1.add(k2.mul(2)).add(k3.mul(2)).add(k4);
            return x.add(sum.mul(h / 6));
        }

        @Override
        public int evaluationsPerStep() {
            return 4;
        }
    });

    private final String name;
    private final int order;
    private final Stepper stepper;

    private FixedStepSolver(String name, int order, Stepper stepper) {
        this.name = name;
        this.order = order;
        this.stepper = stepper;
    }

    /** @return the registered name, e.g. {@code euler} */
    public String name() {
        return name;
    }

    @Override
    public int order() {
        return order;
    }

    @Override
    public Solution solve(VelocityField field, Tensor x0, SolveOptions options) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(options, "options");
        if (x0.rank() != 2) {
            throw new ShapeMismatchException("solver initial state must have shape [B, D], got "
                    + java.util.Arrays.toString(x0.shape()));
        }
        Backend backend = x0.backend();
        int steps = options.steps();
        double t0 = options.t0();
        double span = options.t1() - options.t0();
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
            Tensor next;
            try (TensorScope scope = backend.openScope()) {
                next = scope.keep(stepper.step(field, t, tNext - t, x));
            }
            if (x != x0) {
                x.close();
            }
            x = next;
            nfe += stepper.evaluationsPerStep();
            if (states != null) {
                states.add(x.toFloatArray());
                times[k + 1] = tNext;
            }
            if (!options.listeners().isEmpty()) {
                SolverStep event = new SolverStep(k + 1, tNext, tNext - t, nfe);
                for (SolverListener l : options.listeners()) {
                    l.onStep(event);
                }
            }
        }
        Optional<Trajectory> trajectory = states == null ? Optional.empty()
                : Optional.of(new Trajectory(times, states, x0.dim(0), x0.dim(1)));
        return new Solution(x, nfe, steps, trajectory);
    }

    @Override
    public String describe() {
        return name + " (fixed step, order " + order + ", " + stepper.evaluationsPerStep() + " NFE per step)";
    }

    @Override
    public String toString() {
        return describe();
    }
}

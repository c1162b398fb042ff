package org.fmjvm.solvers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * A small adaptive solver for tests: the Bogacki-Shampine 3(2) pair, whose last evaluation of an
 * accepted step is the first of the next, so it carries one evaluation besides the state from step
 * to step. The first step is {@code (t1 - t0) / options.steps()}; later steps follow the error
 * estimate against {@code atol + rtol |x|}. It exists to run {@link org.fmjvm.testkit.SolverContract}'s
 * adaptive branch ({@code fixedStep() == false}) against a real adaptive method, and, with
 * {@code honoursTolerances} false, against one that takes its first step size throughout.
 * Immutable and thread-safe.
 */
final class BogackiShampine implements OdeSolver {

    private static final int MAX_ATTEMPTS = 1_000_000;

    private final boolean honoursTolerances;

    /** @param honoursTolerances false for the defect: every step is accepted at the first step size */
    BogackiShampine(boolean honoursTolerances) {
        this.honoursTolerances = honoursTolerances;
    }

    @Override
    public Solution solve(VelocityField field, Tensor x0, SolveOptions options) {
        if (x0.rank() != 2) {
            throw new ShapeMismatchException("initial state must have shape [B, D], got " + Arrays.toString(x0.shape()));
        }
        Backend backend = x0.backend();
        double t0 = options.t0();
        double t1 = options.t1();
        double h = (t1 - t0) / options.steps();
        List<float[]> states = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        if (options.captureTrajectory()) {
            states.add(x0.toFloatArray());
            times.add(t0);
        }
        Tensor x = x0;
        Tensor k1;
        try (TensorScope scope = backend.openScope()) {
            k1 = scope.keep(field.velocity(t0, x0));
        }
        int nfe = 1;
        int steps = 0;
        double t = t0;
        for (int attempt = 0; t != t1; attempt++) {
            if (attempt == MAX_ATTEMPTS) {
                throw new IllegalStateException("no progress after " + attempt + " attempts at t = " + t);
            }
            boolean last = Math.abs(h) >= Math.abs(t1 - t);
            double step = last ? t1 - t : h;
            double next = last ? t1 : t + step;
            double norm;
            Tensor accepted = null;
            Tensor carried = null;
            try (TensorScope scope = backend.openScope()) {
                Tensor k2 = field.velocity(t + step / 2, x.add(k1.mul(step / 2)));
                Tensor k3 = field.velocity(t + 3 * step / 4, x.add(k2.mul(3 * step / 4)));
                Tensor y = x.add(k1.mul(2.0 / 9).add(k2.mul(1.0 / 3)).add(k3.mul(4.0 / 9)).mul(step));
                Tensor k4 = field.velocity(next, y);
                nfe += 3;
                Tensor err = k1.mul(-5.0 / 72).add(k2.mul(1.0 / 12)).add(k3.mul(1.0 / 9)).add(k4.mul(-1.0 / 8)).mul(step);
                norm = honoursTolerances ? norm(err.toDoubleArray(), x.toDoubleArray(), y.toDoubleArray(), options) : 0;
                if (norm <= 1) {
                    accepted = scope.keep(y);
                    carried = scope.keep(k4);
                }
            }
            if (accepted != null) {
                if (x != x0) {
                    x.close();
                }
                k1.close();
                x = accepted;
                k1 = carried;
                steps++;
                SolverStep event = new SolverStep(steps, next, step, nfe);
                t = next;
                if (options.captureTrajectory()) {
                    states.add(x.toFloatArray());
                    times.add(t);
                }
                for (SolverListener l : options.listeners()) {
                    l.onStep(event);
                }
            }
            if (honoursTolerances) {
                h = step * (norm == 0 ? 5 : Math.min(5, Math.max(0.2, 0.9 * Math.pow(norm, -1.0 / 3))));
            }
        }
        k1.close();
        Optional<Trajectory> trajectory = options.captureTrajectory()
                ? Optional.of(new Trajectory(times.stream().mapToDouble(Double::doubleValue).toArray(), states,
                        x0.dim(0), x0.dim(1)))
                : Optional.empty();
        return new Solution(x, nfe, steps, trajectory);
    }

    /** The largest error relative to {@code atol + rtol max(|x|, |y|)}. */
    private static double norm(double[] err, double[] x, double[] y, SolveOptions options) {
        double worst = 0;
        for (int i = 0; i < err.length; i++) {
            double scale = options.atol() + options.rtol() * Math.max(Math.abs(x[i]), Math.abs(y[i]));
            worst = Math.max(worst, Math.abs(err[i]) / scale);
        }
        return worst;
    }

    @Override
    public int order() {
        return 3;
    }

    @Override
    public String describe() {
        return "bogacki-shampine 3(2), adaptive" + (honoursTolerances ? "" : ", tolerances ignored");
    }
}

package org.fmjvm.solvers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
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
 * Forward Euler written out on its own, with at most one deliberate defect, so that a test can show
 * that {@link org.fmjvm.testkit.SolverContract} passes the sound solver and fails each broken one.
 * Not thread-safe when {@link Defect#COUNTS_ACROSS_SOLVES} (that is the defect).
 */
final class DefectiveEuler implements OdeSolver {

    /** What is wrong with the solver. */
    enum Defect {
        /** Nothing: a correct forward Euler. */
        NONE,
        /** Reports one evaluation more than it made. */
        MISCOUNTS_NFE,
        /** Claims order 2. */
        CLAIMS_ORDER_TWO,
        /** Leaves one tensor per step in the caller's scope. */
        LEAKS_A_TENSOR_PER_STEP,
        /** Closes the caller's initial state at the end. */
        CLOSES_X0,
        /** Advances time by adding {@code h}, so rounding keeps the last step off {@code t1}. */
        ACCUMULATES_TIME,
        /** Accepts an initial state of any rank. */
        SKIPS_THE_RANK_CHECK,
        /** Always integrates from 0 to 1, whatever the options say. */
        ALWAYS_RUNS_FORWARD,
        /** Returns a float32 final state for a float64 initial state. */
        RETURNS_FLOAT32,
        /** Keeps its evaluation count in a field that no solve resets. */
        COUNTS_ACROSS_SOLVES,
        /** Closes its step scope only when the step succeeds. */
        LEAVES_A_SCOPE_OPEN_ON_FAILURE,
        /** Leaves the initial state out of the trajectory. */
        RECORDS_NO_FIRST_STATE
    }

    private final Defect defect;
    /** Evaluations over every solve so far: the state {@link Defect#COUNTS_ACROSS_SOLVES} wrongly reports. */
    private int evaluationsEver;

    DefectiveEuler(Defect defect) {
        this.defect = defect;
    }

    @Override
    public Solution solve(VelocityField field, Tensor x0, SolveOptions options) {
        if (defect != Defect.SKIPS_THE_RANK_CHECK && x0.rank() != 2) {
            throw new ShapeMismatchException("initial state must have shape [B, D], got " + Arrays.toString(x0.shape()));
        }
        boolean forwardOnly = defect == Defect.ALWAYS_RUNS_FORWARD;
        double t0 = forwardOnly ? 0 : options.t0();
        double t1 = forwardOnly ? 1 : options.t1();
        int n = options.steps();
        Backend backend = x0.backend();
        List<float[]> states = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        if (options.captureTrajectory() && defect != Defect.RECORDS_NO_FIRST_STATE) {
            states.add(x0.toFloatArray());
            times.add(t0);
        }
        int evaluations = 0;
        Tensor x = x0;
        double t = t0;
        for (int k = 0; k < n; k++) {
            double next = defect == Defect.ACCUMULATES_TIME ? t + (t1 - t0) / n
                    : k + 1 == n ? t1 : t0 + (t1 - t0) * (k + 1) / n;
            Tensor stepped;
            if (defect == Defect.LEAVES_A_SCOPE_OPEN_ON_FAILURE) {
                TensorScope scope = backend.openScope();
                stepped = scope.keep(x.add(field.velocity(t, x).mul(next - t)));
                scope.close();
            } else {
                try (TensorScope scope = backend.openScope()) {
                    stepped = scope.keep(x.add(field.velocity(t, x).mul(next - t)));
                }
            }
            evaluations++;
            evaluationsEver++;
            if (defect == Defect.LEAKS_A_TENSOR_PER_STEP) {
                backend.full(0, 1);
            }
            if (x != x0) {
                x.close();
            }
            x = stepped;
            SolverStep event = new SolverStep(k + 1, next, next - t,
                    defect == Defect.COUNTS_ACROSS_SOLVES ? evaluationsEver : evaluations);
            t = next;
            if (options.captureTrajectory()) {
                states.add(x.toFloatArray());
                times.add(t);
            }
            for (SolverListener l : options.listeners()) {
                l.onStep(event);
            }
        }
        if (defect == Defect.RETURNS_FLOAT32 && x.dtype() != DType.FLOAT32) {
            Tensor rounded = x.toDType(DType.FLOAT32);
            x.close();
            x = rounded;
        }
        if (defect == Defect.CLOSES_X0) {
            x0.close();
        }
        Optional<Trajectory> trajectory = options.captureTrajectory()
                ? Optional.of(new Trajectory(times.stream().mapToDouble(Double::doubleValue).toArray(), states,
                        x.dim(0), x.rank() > 1 ? x.dim(1) : 1))
                : Optional.empty();
        int nfe = switch (defect) {
            case MISCOUNTS_NFE -> evaluations + 1;
            case COUNTS_ACROSS_SOLVES -> evaluationsEver;
            default -> evaluations;
        };
        return new Solution(x, nfe, n, trajectory);
    }

    @Override
    public int order() {
        return defect == Defect.CLAIMS_ORDER_TWO ? 2 : 1;
    }

    @Override
    public String describe() {
        return "euler written out, defect " + defect;
    }
}

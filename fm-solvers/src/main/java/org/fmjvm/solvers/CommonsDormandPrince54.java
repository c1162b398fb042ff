package org.fmjvm.solvers;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.exception.NumberIsTooSmallException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.DormandPrince54Integrator;
import org.apache.commons.math3.ode.sampling.StepHandler;
import org.apache.commons.math3.ode.sampling.StepInterpolator;
import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.Solution;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.SolverListener;
import org.fmjvm.api.solver.SolverStep;
import org.fmjvm.api.solver.Trajectory;
import org.fmjvm.api.solver.TrajectoryRecorder;
import org.fmjvm.api.solver.VelocityField;

/**
 * An independent reference: the whole batch copied to the host in float64 and integrated as one
 * ODE of dimension {@code B * D} by Apache Commons Math 3's {@code DormandPrince54Integrator}, with
 * {@code atol}, {@code rtol} and the step limits of the options (or those fixed by
 * {@link #configured}). Each evaluation Commons asks for copies the state into a tensor of
 * {@code x0}'s dtype in a scope of its own, calls the field and copies the velocity back, so it is
 * slow but shares no stepping code with {@link org.fmjvm.api.solver.RungeKutta}. Commons' error
 * norm is the same RMS norm over {@code atol + rtol max(|x|, |x_new|)}; its step control differs
 * (no PI term). Output grid points come from Commons' own dense output (Dormand-Prince's
 * continuous extension). {@code maxSteps} bounds the evaluations at {@code 7 + 6 maxSteps}.
 * Immutable and thread-safe.
 */
public final class CommonsDormandPrince54 implements OdeSolver {

    private final SolveOptions fixed;

    private CommonsDormandPrince54(SolveOptions fixed) {
        this.fixed = fixed;
    }

    /** @return the reference solver, taking tolerances and limits from each solve's options */
    public static CommonsDormandPrince54 fromOptions() {
        return new CommonsDormandPrince54(null);
    }

    /**
     * @param atol absolute tolerance, {@code > 0}
     * @param rtol relative tolerance, {@code > 0}
     * @param maxSteps bounds the evaluations at {@code 7 + 6 maxSteps}
     * @param firstStep the first step, or 0 for Commons' own choice
     * @return the reference solver with fixed settings
     */
    public static CommonsDormandPrince54 configured(double atol, double rtol, int maxSteps, double firstStep) {
        return new CommonsDormandPrince54(SolveOptions.adaptive(atol, rtol).withMaxSteps(maxSteps)
                .withFirstStep(firstStep));
    }

    @Override
    public Solution solve(VelocityField field, Tensor x0, SolveOptions options) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(options, "options");
        if (x0.rank() != 2) {
            throw new ShapeMismatchException("commons-dp54: the initial state must have shape [B, D], got "
                    + Arrays.toString(x0.shape()));
        }
        SolveOptions s = fixed != null ? fixed : options;
        Backend backend = x0.backend();
        DType dtype = x0.dtype();
        int[] shape = x0.shape();
        double t0 = options.t0();
        double t1 = options.t1();
        double span = Math.abs(t1 - t0);
        DormandPrince54Integrator integrator = new DormandPrince54Integrator(0, span, s.atol(), s.rtol());
        if (s.firstStep() > 0) {
            integrator.setInitialStepSize(Math.min(span, s.firstStep()));
        }
        integrator.setMaxEvaluations(7 + 6 * s.maxSteps());
        int[] nfe = {0};
        FirstOrderDifferentialEquations equations = new FirstOrderDifferentialEquations() {
            @Override
            public int getDimension() {
                return x0.size();
            }

            @Override
            public void computeDerivatives(double t, double[] y, double[] dot) {
                nfe[0]++;
                try (TensorScope scope = backend.openScope()) {
                    Tensor v = field.velocity(t, backend.fromArray(y, dtype, shape));
                    System.arraycopy(v.toDoubleArray(), 0, dot, 0, dot.length);
                }
            }
        };
        TrajectoryRecorder recorder = options.captureTrajectory() ? new TrajectoryRecorder(shape[0], shape[1]) : null;
        double[] grid = options.hasGrid() ? options.grid() : null;
        double dir = Math.signum(t1 - t0);
        double[] reached = {t0};
        int[] steps = {0};
        double[] y0 = x0.toDoubleArray();
        emit(options, recorder, backend, dtype, shape, t0, y0);
        integrator.addStepHandler(new StepHandler() {
            private int nextOut = 1;

            @Override
            public void init(double t, double[] y, double end) {
                nextOut = 1;
            }

            @Override
            public void handleStep(StepInterpolator interpolator, boolean isLast) {
                double tb = isLast ? t1 : interpolator.getCurrentTime();
                double ta = interpolator.getPreviousTime();
                steps[0]++;
                if (grid == null) {
                    emit(options, recorder, backend, dtype, shape, tb, interpolator.getInterpolatedState());
                } else {
                    while (nextOut < grid.length && dir * (grid[nextOut] - tb) <= 0) {
                        double g = grid[nextOut++];
                        interpolator.setInterpolatedTime(g);
                        emit(options, recorder, backend, dtype, shape, g, interpolator.getInterpolatedState());
                    }
                }
                reached[0] = tb;
                SolverStep event = new SolverStep(steps[0], tb, tb - ta, nfe[0]);
                for (SolverListener l : options.listeners()) {
                    l.onStep(event);
                }
            }
        });
        double[] y = y0.clone();
        try {
            integrator.integrate(equations, t0, y0, t1, y);
        } catch (MaxCountExceededException | NumberIsTooSmallException e) {
            throw new ConfigurationException("commons-dp54 stopped at t = " + reached[0] + " without reaching t1 = " + t1
                    + " (" + e.getMessage() + "); raise max-steps or loosen the tolerances (atol = " + s.atol()
                    + ", rtol = " + s.rtol() + ")", e);
        }
        Tensor x = backend.fromArray(y, dtype, shape);
        Optional<Trajectory> trajectory = recorder == null ? Optional.empty() : Optional.of(recorder.trajectory());
        return new Solution(x, nfe[0], steps[0], trajectory, 0);
    }

    private static void emit(SolveOptions options, TrajectoryRecorder recorder, Backend backend, DType dtype,
            int[] shape, double t, double[] y) {
        if (recorder != null) {
            recorder.handle(t, dtype == DType.FLOAT32 ? roundToFloat(y) : y);
        }
        if (!options.stepHandlers().isEmpty()) {
            try (TensorScope scope = backend.openScope()) {
                Tensor x = backend.fromArray(y, dtype, shape);
                options.stepHandlers().forEach(h -> h.handle(t, x));
            }
        }
    }

    private static double[] roundToFloat(double[] y) {
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = (float) y[i];
        }
        return r;
    }

    @Override
    public int order() {
        return 5;
    }

    @Override
    public String describe() {
        return "commons-dp54 (adaptive, order 5(4), Apache Commons Math on the host in float64"
                + (fixed == null ? "" : ", rtol = " + fixed.rtol() + ", atol = " + fixed.atol() + ", max-steps = "
                        + fixed.maxSteps())
                + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}

package org.fmjvm.api.solver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.fmjvm.api.error.ConfigurationException;

/**
 * How to integrate: the time interval, the step budget of fixed-step methods, the tolerances and
 * step limits of adaptive ones, an optional output grid, whether to record the trajectory, and
 * listeners and step handlers. Integrating from {@code t0 = 1} to {@code t1 = 0} runs backwards in
 * time (used for likelihoods).
 *
 * <p><b>Output grid.</b> Without a grid, step handlers (and the trajectory) see {@code t0} and the
 * end of every accepted step. With one ({@link #withGrid}), they see exactly the grid's times:
 * fixed-step methods spread their budget over the grid's intervals and step onto every grid point;
 * adaptive methods report grid points inside a step by interpolation, without shortening steps.
 *
 * @param t0 start time
 * @param t1 end time, different from {@code t0}
 * @param steps number of steps for fixed-step solvers, {@code >= 1}; {@code 0} means not given
 *     (adaptive solvers ignore it)
 * @param atol absolute tolerance for adaptive solvers, {@code > 0}
 * @param rtol relative tolerance for adaptive solvers, {@code > 0}
 * @param captureTrajectory record the state at every output time (copied to the host)
 * @param listeners called after every accepted step
 * @param maxSteps the most step attempts (accepted and rejected) an adaptive solver makes, {@code >= 1}
 * @param firstStep the size of an adaptive solver's first attempt, {@code > 0}, or {@code 0} to let it
 *     choose (Hairer's initial step selection)
 * @param grid the output times, strictly monotone from {@code t0} to {@code t1}, or empty for none
 * @param stepHandlers called at every output time, in order, after {@code t0}'s
 */
public record SolveOptions(double t0, double t1, int steps, double atol, double rtol, boolean captureTrajectory,
        List<SolverListener> listeners, int maxSteps, double firstStep, double[] grid, List<StepHandler> stepHandlers) {

    /** The default of {@link #maxSteps()}. */
    public static final int DEFAULT_MAX_STEPS = 10_000;

    /** Validates and copies. */
    public SolveOptions {
        if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
            throw new ConfigurationException("solver needs finite t0 != t1, got t0 = " + t0 + ", t1 = " + t1);
        }
        if (steps < 0) {
            throw new ConfigurationException("solver steps must be >= 1 (or 0 for an adaptive solver), got " + steps);
        }
        if (!(atol > 0) || !(rtol > 0) || !Double.isFinite(atol) || !Double.isFinite(rtol)) {
            throw new ConfigurationException("solver tolerances must be finite and > 0, got atol = " + atol + ", rtol = "
                    + rtol);
        }
        if (maxSteps < 1) {
            throw new ConfigurationException("solver max-steps must be >= 1, got " + maxSteps);
        }
        if (!(firstStep >= 0) || !Double.isFinite(firstStep)) {
            throw new ConfigurationException("solver first-step must be >= 0 (0: chosen by the solver), got " + firstStep);
        }
        grid = Objects.requireNonNull(grid, "grid").clone();
        checkGrid(grid, t0, t1);
        listeners = List.copyOf(listeners);
        stepHandlers = List.copyOf(stepHandlers);
    }

    private static void checkGrid(double[] grid, double t0, double t1) {
        if (grid.length == 0) {
            return;
        }
        if (grid.length < 2) {
            throw new ConfigurationException("solver output grid needs t0 and t1 at least, got " + Arrays.toString(grid));
        }
        if (grid[0] != t0) {
            throw new ConfigurationException("solver output grid must start at t0 = " + t0 + ", got " + grid[0]);
        }
        if (grid[grid.length - 1] != t1) {
            throw new ConfigurationException("solver output grid must end at t1 = " + t1 + ", got "
                    + grid[grid.length - 1]);
        }
        double dir = Math.signum(t1 - t0);
        for (int i = 1; i < grid.length; i++) {
            if (!(dir * (grid[i] - grid[i - 1]) > 0)) {
                throw new ConfigurationException("solver output grid must be strictly "
                        + (dir > 0 ? "increasing" : "decreasing") + " from t0 = " + t0 + " to t1 = " + t1 + ", got grid["
                        + i + "] = " + grid[i] + " after " + grid[i - 1]);
            }
        }
    }

    /**
     * The options of earlier versions: default max-steps, first step chosen by the solver, no grid,
     * no step handlers.
     *
     * @param t0 start time
     * @param t1 end time
     * @param steps step budget
     * @param atol absolute tolerance
     * @param rtol relative tolerance
     * @param captureTrajectory record the trajectory
     * @param listeners step listeners
     */
    public SolveOptions(double t0, double t1, int steps, double atol, double rtol, boolean captureTrajectory,
            List<SolverListener> listeners) {
        this(t0, t1, steps, atol, rtol, captureTrajectory, listeners, DEFAULT_MAX_STEPS, 0, new double[0], List.of());
    }

    /**
     * @param steps the step budget
     * @return from {@code t = 0} to {@code t = 1} in {@code steps} steps; tolerances 1e-5 (atol and rtol)
     */
    public static SolveOptions steps(int steps) {
        return new SolveOptions(0, 1, steps, 1e-5, 1e-5, false, List.of());
    }

    /**
     * @param absolute atol
     * @param relative rtol
     * @return from {@code t = 0} to {@code t = 1} for an adaptive solver (no step budget)
     */
    public static SolveOptions adaptive(double absolute, double relative) {
        return new SolveOptions(0, 1, 0, absolute, relative, false, List.of());
    }

    /**
     * @param from start time
     * @param to end time
     * @return these options over another interval (a grid, if any, must still fit)
     */
    public SolveOptions between(double from, double to) {
        return new SolveOptions(from, to, steps, atol, rtol, captureTrajectory, listeners, maxSteps, firstStep, grid,
                stepHandlers);
    }

    /** @return these options, recording the trajectory */
    public SolveOptions withTrajectory() {
        return new SolveOptions(t0, t1, steps, atol, rtol, true, listeners, maxSteps, firstStep, grid, stepHandlers);
    }

    /**
     * @param absolute atol
     * @param relative rtol
     * @return these options with other tolerances
     */
    public SolveOptions withTolerances(double absolute, double relative) {
        return new SolveOptions(t0, t1, steps, absolute, relative, captureTrajectory, listeners, maxSteps, firstStep,
                grid, stepHandlers);
    }

    /**
     * @param budget the fixed step budget, or 0 for none
     * @return these options with another step budget
     */
    public SolveOptions withSteps(int budget) {
        return new SolveOptions(t0, t1, budget, atol, rtol, captureTrajectory, listeners, maxSteps, firstStep, grid,
                stepHandlers);
    }

    /**
     * @param most the most step attempts of an adaptive solver
     * @return these options with another limit
     */
    public SolveOptions withMaxSteps(int most) {
        return new SolveOptions(t0, t1, steps, atol, rtol, captureTrajectory, listeners, most, firstStep, grid,
                stepHandlers);
    }

    /**
     * @param size the first attempted step of an adaptive solver, or 0 to let it choose
     * @return these options with that first step
     */
    public SolveOptions withFirstStep(double size) {
        return new SolveOptions(t0, t1, steps, atol, rtol, captureTrajectory, listeners, maxSteps, size, grid,
                stepHandlers);
    }

    /**
     * @param times the output times, from {@code t0} to {@code t1}, strictly monotone
     * @return these options reporting the state exactly at those times
     */
    public SolveOptions withGrid(double... times) {
        return new SolveOptions(t0, t1, steps, atol, rtol, captureTrajectory, listeners, maxSteps, firstStep, times,
                stepHandlers);
    }

    /**
     * @param listener called after every step
     * @return these options plus the listener
     */
    public SolveOptions withListener(SolverListener listener) {
        List<SolverListener> all = new ArrayList<>(listeners);
        all.add(Objects.requireNonNull(listener, "listener"));
        return new SolveOptions(t0, t1, steps, atol, rtol, captureTrajectory, all, maxSteps, firstStep, grid,
                stepHandlers);
    }

    /**
     * @param handler called at every output time
     * @return these options plus the handler
     */
    public SolveOptions withStepHandler(StepHandler handler) {
        List<StepHandler> all = new ArrayList<>(stepHandlers);
        all.add(Objects.requireNonNull(handler, "handler"));
        return new SolveOptions(t0, t1, steps, atol, rtol, captureTrajectory, listeners, maxSteps, firstStep, grid, all);
    }

    /** @return the output grid (a copy), empty when none was given */
    @Override
    public double[] grid() {
        return grid.clone();
    }

    /** @return whether an output grid was given */
    public boolean hasGrid() {
        return grid.length > 0;
    }

    /**
     * @return the fixed step size {@code (t1 - t0) / steps}, negative when going backwards
     * @throws ConfigurationException if no step budget was given ({@code steps == 0})
     */
    public double stepSize() {
        if (steps == 0) {
            throw new ConfigurationException("no step budget: steps is 0 (adaptive); give one with SolveOptions.steps(n)");
        }
        return (t1 - t0) / steps;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SolveOptions s && t0 == s.t0 && t1 == s.t1 && steps == s.steps && atol == s.atol
                && rtol == s.rtol && captureTrajectory == s.captureTrajectory && listeners.equals(s.listeners)
                && maxSteps == s.maxSteps && firstStep == s.firstStep && Arrays.equals(grid, s.grid)
                && stepHandlers.equals(s.stepHandlers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(t0, t1, steps, atol, rtol, captureTrajectory, listeners, maxSteps, firstStep,
                Arrays.hashCode(grid), stepHandlers);
    }

    @Override
    public String toString() {
        return "SolveOptions[t0=" + t0 + ", t1=" + t1 + ", steps=" + steps + ", atol=" + atol + ", rtol=" + rtol
                + ", maxSteps=" + maxSteps + ", firstStep=" + firstStep + ", grid=" + Arrays.toString(grid)
                + ", captureTrajectory=" + captureTrajectory + "]";
    }
}

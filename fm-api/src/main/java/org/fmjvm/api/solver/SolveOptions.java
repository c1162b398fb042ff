package org.fmjvm.api.solver;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.error.ConfigurationException;

/**
 * How to integrate: the time interval, the step budget of fixed-step methods, the tolerances of
 * adaptive ones, whether to record the trajectory, and listeners. Integrating from {@code t0 = 1}
 * to {@code t1 = 0} runs backwards in time (used for likelihoods).
 *
 * @param t0 start time
 * @param t1 end time, different from {@code t0}
 * @param steps number of equal steps for fixed-step solvers, {@code >= 1}
 * @param atol absolute tolerance for adaptive solvers, {@code > 0}
 * @param rtol relative tolerance for adaptive solvers, {@code > 0}
 * @param captureTrajectory record the state after every step (copied to the host)
 * @param listeners called after every accepted step
 */
public record SolveOptions(double t0, double t1, int steps, double atol, double rtol, boolean captureTrajectory,
        List<SolverListener> listeners) {

    /** Validates and copies. */
    public SolveOptions {
        if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
            throw new ConfigurationException("solver needs finite t0 != t1, got t0 = " + t0 + ", t1 = " + t1);
        }
        if (steps < 1) {
            throw new ConfigurationException("solver steps must be >= 1, got " + steps);
        }
        if (!(atol > 0) || !(rtol > 0)) {
            throw new ConfigurationException("solver tolerances must be > 0, got atol = " + atol + ", rtol = " + rtol);
        }
        listeners = List.copyOf(listeners);
    }

    /**
     * @param steps the step budget
     * @return from {@code t = 0} to {@code t = 1} in {@code steps} steps; tolerances 1e-5 (atol and rtol)
     */
    public static SolveOptions steps(int steps) {
        return new SolveOptions(0, 1, steps, 1e-5, 1e-5, false, List.of());
    }

    /**
     * @param from start time
     * @param to end time
     * @return these options over another interval
     */
    public SolveOptions between(double from, double to) {
        return new SolveOptions(from, to, steps, atol, rtol, captureTrajectory, listeners);
    }

    /** @return these options, recording the trajectory */
    public SolveOptions withTrajectory() {
        return new SolveOptions(t0, t1, steps, atol, rtol, true, listeners);
    }

    /**
     * @param absolute atol
     * @param relative rtol
     * @return these options with other tolerances
     */
    public SolveOptions withTolerances(double absolute, double relative) {
        return new SolveOptions(t0, t1, steps, absolute, relative, captureTrajectory, listeners);
    }

    /**
     * @param listener called after every step
     * @return these options plus the listener
     */
    public SolveOptions withListener(SolverListener listener) {
        List<SolverListener> all = new ArrayList<>(listeners);
        all.add(listener);
        return new SolveOptions(t0, t1, steps, atol, rtol, captureTrajectory, all);
    }

    /** @return the fixed step size {@code (t1 - t0) / steps}, negative when going backwards */
    public double stepSize() {
        return (t1 - t0) / steps;
    }
}

package org.fmjvm.api.solver;

/**
 * One accepted solver step, reported to {@link SolverListener}s.
 *
 * @param step 1-based index of the step, one more than the previous event's
 * @param t the time reached at the end of the step, the previous event's {@code t} (or {@code t0})
 *     plus {@code h}; exactly {@code t1} for the last step
 * @param h the step size taken (negative when integrating backwards in time)
 * @param nfe velocity evaluations so far, rejected attempts of an adaptive solver included
 */
public record SolverStep(int step, double t, double h, int nfe) {
}

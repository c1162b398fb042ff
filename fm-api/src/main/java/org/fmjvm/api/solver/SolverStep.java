package org.fmjvm.api.solver;

/**
 * One accepted solver step, reported to {@link SolverListener}s.
 *
 * @param step 1-based index of the step
 * @param t the time reached at the end of the step
 * @param h the step size taken (negative when integrating backwards in time)
 * @param nfe velocity evaluations so far
 */
public record SolverStep(int step, double t, double h, int nfe) {
}

package org.fmjvm.api.solver;

/** Observes a solver run; called on the solving thread after each accepted step. */
@FunctionalInterface
public interface SolverListener {

    /** @param step the step just completed */
    void onStep(SolverStep step);
}

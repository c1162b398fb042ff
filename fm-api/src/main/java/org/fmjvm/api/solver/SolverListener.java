package org.fmjvm.api.solver;

/** Observes a solver run; called on the solving thread after each accepted step. */
public interface SolverListener {

    /** @param step the step just completed */
    default void onStep(SolverStep step) {
    }
}

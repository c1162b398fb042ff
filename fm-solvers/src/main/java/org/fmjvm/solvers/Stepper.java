package org.fmjvm.solvers;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.solver.VelocityField;

/**
 * One step of an explicit one-step method: from {@code x} at {@code t} to the state at {@code t + h}.
 * Implementations are stateless and thread-safe.
 */
interface Stepper {

    /**
     * @param field the right-hand side
     * @param t the current time
     * @param h the step, negative when going backwards
     * @param x the current state, {@code [B, D]}
     * @return the next state, in the caller's current scope
     */
    Tensor step(VelocityField field, double t, double h, Tensor x);

    /** @return velocity evaluations per step */
    int evaluationsPerStep();
}

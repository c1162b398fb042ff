package org.fmjvm.api.solver;

import org.fmjvm.api.Tensor;

/**
 * The right-hand side of {@code dx/dt = v(t, x)} for a batch of states. A learned model, a closed
 * form in a test, or an augmented system (state plus log-density) all fit.
 */
@FunctionalInterface
public interface VelocityField {

    /**
     * @param t the time
     * @param x states, {@code [B, D]}; the solver's, which the field must not close
     * @return {@code dx/dt}, {@code [B, D]} in {@code x}'s dtype, created in the caller's current scope
     */
    Tensor velocity(double t, Tensor x);
}

package org.fmjvm.api.solver;

import org.fmjvm.api.Tensor;

/**
 * Integrates {@code dx/dt = v(t, x)} for a batch of initial states. Solvers are immutable and
 * thread-safe; each {@link #solve} call is an independent, single-threaded run that opens one
 * {@link org.fmjvm.api.TensorScope} per step, so memory stays flat over many steps.
 */
public interface OdeSolver {

    /**
     * @param field the right-hand side
     * @param x0 initial states at {@code options.t0()}, {@code [B, D]}
     * @param options interval, step budget or tolerances, trajectory capture, listeners
     * @return the state at {@code options.t1()}, created in the caller's current scope, with the NFE count
     */
    Solution solve(VelocityField field, Tensor x0, SolveOptions options);

    /** @return the order of accuracy (global error shrinks like {@code h^order}) */
    int order();

    /** @return one line, e.g. {@code euler (fixed step, order 1)} */
    String describe();
}

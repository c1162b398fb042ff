package org.fmjvm.api.solver;

import org.fmjvm.api.Tensor;

/**
 * Integrates {@code dx/dt = v(t, x)} for a batch of initial states, from {@code options.t0()} to
 * {@code options.t1()} (backwards in time when {@code t1 < t0}).
 *
 * <p><b>Tensor scopes.</b> A plugin solver follows these rules, which fm-testkit's
 * {@code SolverContract} checks:
 *
 * <ul>
 *   <li>{@code x0} belongs to the caller and may live in any open scope of the calling thread. The
 *       solver never closes it, never {@linkplain org.fmjvm.api.TensorScope#keep keeps} (moves) it
 *       and never returns it as the result.
 *   <li>The final state {@link Solution#x()} is a new tensor owned by the scope that was current
 *       when {@code solve} was called; the caller frees it by closing that scope (or the tensor).
 *       When {@code solve} returns, it is the only tensor the run left alive.
 *   <li>A solver opens a scope per step (or per few steps), lets the field's results and its own
 *       temporaries die with it, and {@linkplain org.fmjvm.api.TensorScope#keep keeps} only what
 *       the next step needs (the current state, and for a method that reuses an evaluation, that
 *       evaluation), closing the previous state once replaced. So the number of live tensors is
 *       the same after every step, however many steps a run takes.
 *   <li>If the field or a listener throws, the exception propagates and every scope the solver
 *       opened is closed first; what the run made is at most left in the caller's scope.
 *   <li>The field is called on the calling thread, with states of {@code x0}'s shape and dtype and
 *       times in {@code [t0, t1]}; its results belong to the scope current at the call.
 * </ul>
 *
 * <p><b>Threads.</b> Solvers are immutable and thread-safe: one instance may serve any number of
 * solves, in turn or on several threads at once, and keeps no state between them. Each
 * {@code solve} call is an independent, single-threaded run on the calling thread (tensors and
 * scopes are confined to the thread that made them), so memory stays flat over many steps.
 */
public interface OdeSolver {

    /**
     * @param field the right-hand side
     * @param x0 initial states at {@code options.t0()}, {@code [B, D]}, float32 or float64; the
     *     caller's, left open and unchanged
     * @param options interval, step budget or tolerances, trajectory capture, listeners
     * @return the state at {@code options.t1()}, {@code [B, D]} in {@code x0}'s dtype, a new tensor
     *     created in the caller's current scope, with the NFE count and the number of steps
     * @throws org.fmjvm.api.error.ShapeMismatchException if {@code x0} is not of rank 2, naming its shape
     */
    Solution solve(VelocityField field, Tensor x0, SolveOptions options);

    /** @return the order of accuracy (global error shrinks like {@code h^order}) */
    int order();

    /** @return one line, e.g. {@code euler (fixed step, order 1)} */
    String describe();
}

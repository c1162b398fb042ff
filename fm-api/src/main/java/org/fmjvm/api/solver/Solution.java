package org.fmjvm.api.solver;

import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.Tensor;

/**
 * The result of integrating {@code dx/dt = v(t, x)} from {@code t0} to {@code t1}.
 *
 * @param x the final state, {@code [B, D]}, in the caller's scope
 * @param nfe the number of velocity evaluations
 * @param steps the number of accepted steps
 * @param trajectory every step's state, when {@link SolveOptions#captureTrajectory()} was asked for
 */
public record Solution(Tensor x, int nfe, int steps, Optional<Trajectory> trajectory) {
    /** Rejects nulls. */
    public Solution {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(trajectory, "trajectory");
    }
}

package org.fmjvm.api.solver;

import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.Tensor;

/**
 * The result of integrating {@code dx/dt = v(t, x)} from {@code t0} to {@code t1}.
 *
 * @param x the final state, {@code [B, D]}, in the caller's scope
 * @param nfe the number of velocity evaluations, those of rejected attempts included
 * @param steps the number of accepted steps
 * @param trajectory the states at the output times, when {@link SolveOptions#captureTrajectory()} was asked for
 * @param rejected the number of step attempts an adaptive solver rejected (0 for fixed steps)
 */
public record Solution(Tensor x, int nfe, int steps, Optional<Trajectory> trajectory, int rejected) {
    /** Rejects nulls and negative counts. */
    public Solution {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(trajectory, "trajectory");
        if (nfe < 0 || steps < 0 || rejected < 0) {
            throw new IllegalArgumentException("counts must be >= 0, got nfe = " + nfe + ", steps = " + steps
                    + ", rejected = " + rejected);
        }
    }

    /**
     * A solution without rejected steps (a fixed-step solver's).
     *
     * @param x the final state
     * @param nfe velocity evaluations
     * @param steps accepted steps
     * @param trajectory the recorded states, if asked for
     */
    public Solution(Tensor x, int nfe, int steps, Optional<Trajectory> trajectory) {
        this(x, nfe, steps, trajectory, 0);
    }

    /** @return the number of accepted steps, the same as {@link #steps()} */
    public int accepted() {
        return steps;
    }
}

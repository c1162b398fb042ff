package org.fmjvm.api.solver;

import org.fmjvm.api.Tensor;

/**
 * Observes the state at each output time of a solve: {@code t0} first, then the end of every
 * accepted step, or, with an output grid ({@link SolveOptions#withGrid}), exactly the grid's times
 * (interpolated by an adaptive solver). Called on the solving thread, in time order.
 * {@link TrajectoryRecorder} is one.
 */
@FunctionalInterface
public interface StepHandler {

    /**
     * @param t the output time
     * @param x the state at {@code t}, {@code [B, D]}; it belongs to the solver and is valid only during
     *     the call: copy what you keep ({@link Tensor#toDoubleArray()}), never close it
     */
    void handle(double t, Tensor x);
}

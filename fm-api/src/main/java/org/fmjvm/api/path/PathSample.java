package org.fmjvm.api.path;

import java.util.Objects;

import org.fmjvm.api.Tensor;

/**
 * One batch drawn on a probability path: the regression input {@code (t, x_t)} and target
 * {@code dx_t} of conditional flow matching.
 *
 * @param x0 source points, {@code [B, D]}
 * @param x1 target (data) points, {@code [B, D]}
 * @param t times, {@code [B, 1]}
 * @param xt points on the conditional path at {@code t}, {@code [B, D]}
 * @param dxt the conditional velocity {@code d x_t / dt}, the regression target, {@code [B, D]}
 */
public record PathSample(Tensor x0, Tensor x1, Tensor t, Tensor xt, Tensor dxt) {
    /** Rejects nulls. */
    public PathSample {
        Objects.requireNonNull(x0, "x0");
        Objects.requireNonNull(x1, "x1");
        Objects.requireNonNull(t, "t");
        Objects.requireNonNull(xt, "xt");
        Objects.requireNonNull(dxt, "dxt");
    }
}

package org.fmjvm.api.model;

import java.util.Objects;

import org.fmjvm.api.Tensor;

/**
 * What a velocity network reads: times, points and an optional condition.
 *
 * @param t times, shape {@code [B, 1]}
 * @param x points, shape {@code [B, D]}
 * @param condition null for an unconditional model; otherwise class ids of shape {@code [B]} (whole
 *     numbers, see {@link Tensor#oneHot}) or a condition vector of shape {@code [B, C]}
 */
public record ModelInput(Tensor t, Tensor x, Tensor condition) {

    /** Checks that {@code t} and {@code x} are present. */
    public ModelInput {
        Objects.requireNonNull(t, "t");
        Objects.requireNonNull(x, "x");
    }

    /**
     * @param t times {@code [B, 1]}
     * @param x points {@code [B, D]}
     * @return an unconditional input
     */
    public static ModelInput of(Tensor t, Tensor x) {
        return new ModelInput(t, x, null);
    }

    /** @return the batch size {@code B} */
    public int batch() {
        return x.dim(0);
    }
}

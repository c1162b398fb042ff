package org.fmjvm.api.coupling;

import java.util.Arrays;
import java.util.Objects;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * Paired source and data points: row {@code i} of {@code x0} is paired with row {@code i} of
 * {@code x1}.
 *
 * @param x0 source points, {@code [B, D]}
 * @param x1 data points, {@code [B, D]}
 */
public record CoupledBatch(Tensor x0, Tensor x1) {
    /** Checks both sides have the same shape. */
    public CoupledBatch {
        Objects.requireNonNull(x0, "x0");
        Objects.requireNonNull(x1, "x1");
        if (!Arrays.equals(x0.shape(), x1.shape())) {
            throw new ShapeMismatchException("a coupled batch needs x0 and x1 of equal shape, got "
                    + Arrays.toString(x0.shape()) + " and " + Arrays.toString(x1.shape()));
        }
    }
}

package org.fmjvm.paths;

import java.util.Arrays;

import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * The input checks and per-row coefficient columns the Gaussian paths of this package share, with
 * the same rules and messages as {@link org.fmjvm.api.path.AffinePath}. Stateless.
 */
final class PathInputs {
    private PathInputs() {
    }

    /**
     * Checks that {@code x0} and {@code x1} are both {@code [B, D]} and {@code t} is {@code [B, 1]}.
     *
     * @return {@code {B, D}}
     * @throws ShapeMismatchException naming both shapes
     */
    static int[] requireBatch(Tensor x0, Tensor x1, Tensor t) {
        int[] s0 = x0.shape();
        if (s0.length != 2 || !Arrays.equals(s0, x1.shape())) {
            throw new ShapeMismatchException("x0 and x1 must both have shape [B, D], got " + Arrays.toString(s0)
                    + " and " + Arrays.toString(x1.shape()));
        }
        Shapes.require("t", t, s0[0], 1);
        return s0;
    }

    /**
     * @param t times, {@code [B, 1]}
     * @return the times as doubles, each checked by {@link Times#unit}
     */
    static double[] times(Tensor t) {
        double[] ts = t.toDoubleArray();
        for (int i = 0; i < ts.length; i++) {
            try {
                ts[i] = Times.unit(ts[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (row " + i + " of t)", e);
            }
        }
        return ts;
    }

}

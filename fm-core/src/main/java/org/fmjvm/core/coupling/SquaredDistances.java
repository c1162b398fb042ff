package org.fmjvm.core.coupling;

import java.util.Arrays;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.error.ShapeMismatchException;

/** The host-side cost matrix the optimal-transport couplings share. */
final class SquaredDistances {

    private SquaredDistances() {
    }

    /**
     * @param x0 source points, {@code [B, D]}
     * @param x1 data points, {@code [B, D]}
     * @param who the coupling, for messages
     * @return the row-major {@code B x B} matrix {@code C[i, j] = |x0_i - x1_j|^2}, in double
     * @throws ShapeMismatchException if the shapes differ or are not {@code [B, D]} with {@code B >= 1}
     */
    static double[] of(Tensor x0, Tensor x1, String who) {
        int[] s0 = x0.shape();
        int[] s1 = x1.shape();
        if (!Arrays.equals(s0, s1)) {
            throw new ShapeMismatchException(who + " needs x0 and x1 of equal shape [B, D], got "
                    + Arrays.toString(s0) + " and " + Arrays.toString(s1));
        }
        if (s0.length != 2 || s0[0] < 1) {
            throw new ShapeMismatchException(who + " needs x0 and x1 of shape [B, D] with B >= 1, got "
                    + Arrays.toString(s0) + " and " + Arrays.toString(s1));
        }
        int b = s0[0];
        int d = s0[1];
        float[] a = x0.toFloatArray();
        float[] c = x1.toFloatArray();
        double[] cost = new double[Math.multiplyExact(b, b)];
        for (int i = 0; i < b; i++) {
            int ai = i * d;
            for (int j = 0; j < b; j++) {
                int cj = j * d;
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    double diff = (double) a[ai + k] - c[cj + k];
                    sum += diff * diff;
                }
                cost[i * b + j] = sum;
            }
        }
        return cost;
    }
}

package com.example.fmplugin;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.random.Rng;

/**
 * Pairs by rank along a random direction: both batches are projected on one random unit vector
 * {@code u} (fresh from the generator for every batch), and the {@code r}-th smallest {@code u . x0}
 * is paired with the {@code r}-th smallest {@code u . x1}. In one dimension that is the optimal
 * transport plan for any convex cost; in more dimensions it is a cheap permutation that pairs points
 * on the same side of the batch more often than independent pairing does, so the conditional paths
 * cross less. Every source and every data point is used exactly once.
 *
 * <p>{@code x0} is returned as it came (the pairs are expressed by reordering {@code x1} only), and
 * the reordered {@code x1} is created in the caller's current scope. Immutable and thread-safe.
 */
public final class SortedProjectionCoupling implements Coupling {

    @Override
    public CoupledBatch pair(Tensor x0, Tensor x1, Rng rng) {
        if (x0.rank() != 2 || !Arrays.equals(x0.shape(), x1.shape())) {
            throw new ShapeMismatchException("sorted-projection coupling needs x0 and x1 of one shape [B, D], got "
                    + Arrays.toString(x0.shape()) + " and " + Arrays.toString(x1.shape()));
        }
        int rows = x0.dim(0);
        int dim = x0.dim(1);
        double[] u = new double[dim];
        for (int d = 0; d < dim; d++) {
            u[d] = rng.nextGaussian();
        }
        Integer[] byX0 = ranked(x0.toDoubleArray(), u, rows, dim);
        Integer[] byX1 = ranked(x1.toDoubleArray(), u, rows, dim);
        int[] partner = new int[rows];
        for (int r = 0; r < rows; r++) {
            partner[byX0[r]] = byX1[r];
        }
        return new CoupledBatch(x0, x1.gatherRows(partner));
    }

    /** @return the row indices in increasing order of their projection on {@code u} */
    private static Integer[] ranked(double[] x, double[] u, int rows, int dim) {
        double[] p = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int d = 0; d < dim; d++) {
                s += x[i * dim + d] * u[d];
            }
            p[i] = s;
        }
        return IntStream.range(0, rows).boxed().sorted(Comparator.comparingDouble(i -> p[i])).toArray(Integer[]::new);
    }

    @Override
    public String describe() {
        return "sorted projection: pairs of equal rank along a random direction, a permutation per batch";
    }

    @Override
    public String toString() {
        return describe();
    }
}

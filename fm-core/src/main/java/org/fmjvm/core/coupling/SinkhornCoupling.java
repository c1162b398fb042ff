package org.fmjvm.core.coupling;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.random.Rng;

/**
 * Entropic minibatch optimal transport: computes the entropic OT plan between the batch's source
 * and data points (uniform weights, squared Euclidean cost) by log-domain Sinkhorn, then draws a
 * permutation from it without replacement (see {@link EntropicPlan#samplePermutation}), so every
 * point is used exactly once.
 *
 * <p><b>Regularisation convention.</b> The entropic weight is {@code eps = reg * mean_ij C_ij}:
 * {@code reg} is relative to the batch's mean squared distance, so the same {@code reg} means the
 * same sharpness whatever the data's scale. (POT's and TorchCFM's {@code reg} divides the cost by
 * its maximum instead; the mean is less sensitive to a single outlier.) {@code reg -> 0} tends to
 * {@link MinibatchOtCoupling}'s exact assignment, large {@code reg} to a random shuffle.
 *
 * <p>Cost per call: {@code O(B^2)} exponentials per Sinkhorn iteration, at most {@code max-iter}
 * iterations. Uses {@code rng} for the draw. Immutable and thread-safe.
 */
public final class SinkhornCoupling implements Coupling {

    /** Default {@code reg}, relative to the mean cost. */
    public static final double DEFAULT_REG = 0.05;
    /** Default cap on Sinkhorn iterations. */
    public static final int DEFAULT_MAX_ITER = 1000;
    /** Default relative tolerance on the row marginals, {@code |B rowSum_i - 1|}. */
    public static final double DEFAULT_TOL = 1e-6;

    private final double reg;
    private final int maxIter;
    private final double tol;

    /**
     * @param reg entropic regularisation relative to the mean cost, {@code > 0}
     * @param maxIter most Sinkhorn iterations, {@code >= 1}
     * @param tol relative tolerance on every row marginal, {@code > 0}
     * @throws IllegalArgumentException naming the bad value
     */
    public SinkhornCoupling(double reg, int maxIter, double tol) {
        this.reg = checkPositive("reg", reg);
        if (maxIter < 1) {
            throw new IllegalArgumentException("sinkhorn: max-iter must be >= 1, got " + maxIter);
        }
        this.maxIter = maxIter;
        this.tol = checkPositive("tol", tol);
    }

    /** With {@link #DEFAULT_REG}, {@link #DEFAULT_MAX_ITER} and {@link #DEFAULT_TOL}. */
    public SinkhornCoupling() {
        this(DEFAULT_REG, DEFAULT_MAX_ITER, DEFAULT_TOL);
    }

    @Override
    public CoupledBatch pair(Tensor x0, Tensor x1, Rng rng) {
        double[] cost = SquaredDistances.of(x0, x1, "sinkhorn");
        int[] sigma = plan(cost, x0.shape()[0]).samplePermutation(rng);
        return new CoupledBatch(x0, x1.gatherRows(sigma));
    }

    /** @return the entropic plan for a row-major {@code n x n} cost, with {@code eps = reg * mean cost} */
    EntropicPlan plan(double[] cost, int n) {
        double mean = 0;
        for (double c : cost) {
            mean += c;
        }
        mean /= cost.length;
        return EntropicPlan.solve(cost, n, reg * (mean > 0 ? mean : 1), maxIter, tol);
    }

    @Override
    public String describe() {
        return "sinkhorn: entropic OT plan (reg " + reg + " x mean squared distance, max-iter " + maxIter
                + ", tol " + tol + "), pairs drawn without replacement";
    }

    @Override
    public String toString() {
        return describe();
    }

    static double checkPositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException("sinkhorn: " + name + " must be a finite number > 0, got " + value);
        }
        return value;
    }
}

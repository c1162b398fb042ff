package org.fmjvm.core.coupling;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.random.Rng;

/**
 * Minibatch optimal transport (Tong et al.'s OT-CFM, Pooladian et al.'s multisample flow matching):
 * pairs the batch by the permutation {@code sigma} that minimises {@code sum_i |x0_i - x1_sigma(i)|^2},
 * found exactly by {@link LinearAssignment}. Row {@code i} of {@code x0} stays in place and is paired
 * with row {@code sigma(i)} of {@code x1}; every point is used exactly once. The cost matrix is built
 * on the host in double precision ({@code O(B^2 D)}), the assignment costs {@code O(B^3)} at worst.
 *
 * <p>Deterministic: the generator is not used. Immutable and thread-safe.
 */
public final class MinibatchOtCoupling implements Coupling {

    @Override
    public CoupledBatch pair(Tensor x0, Tensor x1, Rng rng) {
        int[] shape = x0.shape();
        double[] cost = SquaredDistances.of(x0, x1, "minibatch-ot");
        int[] sigma = LinearAssignment.solve(cost, shape[0]);
        return new CoupledBatch(x0, x1.gatherRows(sigma));
    }

    @Override
    public String describe() {
        return "minibatch-ot: exact OT assignment of each batch on squared Euclidean cost";
    }

    @Override
    public String toString() {
        return describe();
    }
}

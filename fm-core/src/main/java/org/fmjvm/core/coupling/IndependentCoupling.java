package org.fmjvm.core.coupling;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.coupling.Coupling;
import org.fmjvm.api.random.Rng;

/**
 * Pairs row {@code i} of the source batch with row {@code i} of the data batch: since both were
 * drawn independently, the pairs follow the product coupling {@code p0(x0) q(x1)} of basic
 * conditional flow matching. Immutable and thread-safe.
 */
public final class IndependentCoupling implements Coupling {

    @Override
    public CoupledBatch pair(Tensor x0, Tensor x1, Rng rng) {
        return new CoupledBatch(x0, x1);
    }

    @Override
    public String describe() {
        return "independent pairs (x0, x1) ~ p0 x q";
    }

    @Override
    public String toString() {
        return describe();
    }
}

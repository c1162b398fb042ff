package org.fmjvm.api.coupling;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.random.Rng;

/**
 * Pairs a batch of source points with a batch of data points (independent pairing, minibatch
 * optimal transport, ...). Implementations are immutable and thread-safe; results are created in
 * the caller's current scope.
 */
public interface Coupling {

    /**
     * @param x0 source points, {@code [B, D]}
     * @param x1 data points, {@code [B, D]}
     * @param rng randomness for couplings that sample from a plan
     * @return the pairs; rows may be reordered or repeated
     */
    CoupledBatch pair(Tensor x0, Tensor x1, Rng rng);

    /** @return one line for run summaries */
    String describe();
}

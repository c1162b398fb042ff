package org.fmjvm.api.coupling;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.random.Rng;

/**
 * Pairs a batch of source points with a batch of data points (independent pairing, minibatch
 * optimal transport, ...).
 *
 * <p><b>Tensor scopes.</b> A plugin coupling follows these rules, which fm-testkit's
 * {@code CouplingContract} checks:
 *
 * <ul>
 *   <li>{@code x0} and {@code x1} belong to the caller: the coupling never closes them, never
 *       {@linkplain org.fmjvm.api.TensorScope#keep keeps} (moves) them and never changes them.
 *   <li>Each side of the returned {@link CoupledBatch} is either that side's input tensor itself
 *       (a coupling that keeps a side's order may return it unchanged, as the independent
 *       coupling returns both) or a new tensor owned by the caller's current scope. The trainer
 *       draws the inputs, pairs them and uses the batch inside one step scope and frees them all
 *       by closing it, which is correct either way. A caller that frees a batch early closes only
 *       the tensors that are not ({@code !=}) its inputs.
 *   <li>When {@code pair} returns, no other tensor it made is alive: temporaries such as a cost
 *       matrix are freed in a scope of the coupling's own, or closed.
 * </ul>
 *
 * <p><b>Randomness and threads.</b> {@code rng} is the only source of randomness: the same inputs
 * and seed give the same batch, and no state is carried from one call to the next. Implementations
 * are immutable and thread-safe; a call runs on the thread that owns the inputs.
 */
public interface Coupling {

    /**
     * @param x0 source points, {@code [B, D]}
     * @param x1 data points, {@code [B, D]}
     * @param rng randomness for couplings that sample from a plan
     * @return the pairs, each side {@code [B, D]} in its input's dtype: a reordering of that side's
     *     input rows, or, for couplings that sample pairs with replacement, rows of it that may repeat
     * @throws org.fmjvm.api.error.ShapeMismatchException if the inputs' shapes differ, naming both
     */
    CoupledBatch pair(Tensor x0, Tensor x1, Rng rng);

    /** @return one line for run summaries */
    String describe();
}

package org.fmjvm.api.path;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.random.Rng;

/**
 * A conditional probability path: given a coupled pair {@code (x0, x1)} and a time {@code t}, the
 * point {@code x_t} and the conditional velocity {@code dx_t} the model regresses on. {@code t = 0}
 * is the source, {@code t = 1} the data.
 *
 * <p><b>Tensor scopes.</b> {@code x0}, {@code x1} and {@code t} belong to the caller: a path never
 * closes, {@linkplain org.fmjvm.api.TensorScope#keep keeps} (moves) or changes them, and returns
 * them, the same objects, as the sample's {@code x0}, {@code x1} and {@code t}. The new tensors
 * {@code x_t} and {@code dx_t}, and any temporary the path leaves open, belong to the caller's
 * current {@link org.fmjvm.api.TensorScope}, so closing that scope frees everything the call made
 * and nothing it made outlives that scope (the trainer closes its scope after every step).
 *
 * <p><b>Threads.</b> Implementations are immutable and thread-safe; a call runs on the thread that
 * owns the inputs, and the generator is the only source of randomness.
 */
public interface ProbabilityPath {

    /**
     * @param x0 source points, {@code [B, D]}
     * @param x1 data points, {@code [B, D]}
     * @param t times, {@code [B, 1]}
     * @param rng randomness for paths that add noise (deterministic paths ignore it)
     * @return {@code x_t} and {@code dx_t}, each {@code [B, D]}
     * @throws org.fmjvm.api.error.ShapeMismatchException if the shapes disagree
     */
    PathSample sample(Tensor x0, Tensor x1, Tensor t, Rng rng);

    /** @return one line for run summaries, e.g. {@code affine(cond-ot: alpha = t, sigma = 1 - t)} */
    String describe();

    /**
     * Whether this path is only correct when {@code x0} is drawn from the standard Gaussian
     * {@code N(0, I)} (for example a Gaussian path whose marginal at {@code t = 0} is that
     * Gaussian whatever {@code x0} is). The trainer refuses to combine such a path with another
     * source.
     *
     * @return {@code true} if the source must be {@code N(0, I)}; {@code false} by default
     */
    default boolean requiresStandardGaussianSource() {
        return false;
    }
}

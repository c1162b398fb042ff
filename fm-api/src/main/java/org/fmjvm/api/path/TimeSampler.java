package org.fmjvm.api.path;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.random.Rng;

/** Draws the training times {@code t} in [0, 1]. Implementations are immutable and thread-safe. */
public interface TimeSampler {

    /**
     * @param backend where to create the tensor (in the current scope)
     * @param batch {@code B}
     * @param rng the generator to draw from
     * @return times, shape {@code [B, 1]}, each in [0, 1]
     */
    Tensor sample(Backend backend, int batch, Rng rng);

    /** @return one line for run summaries, e.g. {@code uniform on [0, 1]} */
    String describe();
}

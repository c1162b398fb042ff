package org.fmjvm.paths;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.path.TimeSampler;
import org.fmjvm.api.random.Rng;

/** Training times uniform on [0, 1): the default of conditional flow matching. Immutable and thread-safe. */
public final class UniformTimeSampler implements TimeSampler {

    @Override
    public Tensor sample(Backend backend, int batch, Rng rng) {
        return backend.rand(rng, batch, 1);
    }

    @Override
    public String describe() {
        return "uniform on [0, 1)";
    }

    @Override
    public String toString() {
        return describe();
    }
}

package org.fmjvm.api.autodiff;

import java.util.List;

import org.fmjvm.api.Tensor;

/**
 * A {@link TensorFunction} prepared by a backend ({@link org.fmjvm.api.Backend#compile}): run
 * eagerly, or traced once per argument signature into a graph function that later calls execute
 * natively. Results belong to the caller's current {@link org.fmjvm.api.TensorScope}; every
 * intermediate is freed before {@link #call} returns.
 *
 * <p>Confined to one thread at a time, like the tensors it takes.
 */
@FunctionalInterface
public interface CompiledFunction {

    /**
     * @param args tensors of the compiling backend
     * @return the function's results, in the caller's current scope
     */
    List<Tensor> call(List<Tensor> args);
}

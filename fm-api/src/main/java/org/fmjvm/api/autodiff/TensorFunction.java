package org.fmjvm.api.autodiff;

import java.util.List;

import org.fmjvm.api.Tensor;

/**
 * A function from tensors to tensors written against fm-api's op set only, so a backend can run it
 * eagerly or trace it into a graph ({@link org.fmjvm.api.Backend#compile}). It must not read
 * values back to Java ({@link Tensor#item()}, {@link Tensor#toFloatArray()}) or branch on them: a
 * traced function runs once, on symbolic tensors.
 */
@FunctionalInterface
public interface TensorFunction {

    /**
     * @param args the arguments, in the order the caller passes them
     * @return the results
     */
    List<Tensor> apply(List<Tensor> args);
}

package org.fmjvm.api.autodiff;

import java.util.List;
import java.util.Objects;

import org.fmjvm.api.Tensor;

/**
 * A scalar function's value and its gradients with respect to chosen arguments
 * ({@link org.fmjvm.api.Backend#valueAndGradients}).
 *
 * @param value the value, shape {@code []}
 * @param gradients one gradient per differentiated argument, in the same order, each shaped like
 *     its argument
 */
public record ValueAndGradients(Tensor value, List<Tensor> gradients) {

    /**
     * @param value the value
     * @param gradients the gradients (copied)
     */
    public ValueAndGradients {
        Objects.requireNonNull(value, "value");
        gradients = List.copyOf(gradients);
    }
}

package org.fmjvm.api.model;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;

/**
 * A learned velocity field {@code v_theta(t, x)} living on a {@link Backend}. Built by
 * {@link Backend#newModel} from a {@link ModelSpec} and {@link ModelWeights}.
 *
 * <p>Results are created in the caller's current {@link org.fmjvm.api.TensorScope}. A model is a
 * single-threaded session: do not call it from two threads at once.
 */
public interface VelocityModel extends AutoCloseable {

    /** @return the architecture */
    ModelSpec spec();

    /** @return the backend the model lives on */
    Backend backend();

    /**
     * @param t times, shape {@code [B, 1]}, in [0, 1] (0 = source, 1 = data)
     * @param x points, shape {@code [B, D]}
     * @return the velocity {@code v(t, x)}, shape {@code [B, D]}
     * @throws org.fmjvm.api.error.ShapeMismatchException if the shapes do not fit the spec
     */
    Tensor velocity(Tensor t, Tensor x);

    /**
     * The velocity for a full model input. An unconditional model accepts only inputs without a
     * condition; a conditional network (fm-nn) reads it.
     *
     * @param input times {@code [B, 1]}, points {@code [B, D]} and an optional condition
     * @return the velocity {@code [B, D]}
     * @throws IllegalArgumentException if the input has a condition this model does not take
     */
    default Tensor velocity(ModelInput input) {
        if (input.condition() != null) {
            throw new IllegalArgumentException("this model is unconditional; pass no condition");
        }
        return velocity(input.t(), input.x());
    }

    /**
     * @param t one time for the whole batch
     * @param x points, shape {@code [B, D]}
     * @return the velocity {@code v(t, x)}, shape {@code [B, D]}
     */
    default Tensor velocity(double t, Tensor x) {
        try (Tensor tt = backend().full(t, x.dim(0), 1)) {
            return velocity(tt, x);
        }
    }

    /**
     * Exact divergence {@code div_x v(t, x) = sum_i dv_i/dx_i}, one backward pass per dimension:
     * affordable in low dimension.
     *
     * @param t times, shape {@code [B, 1]}
     * @param x points, shape {@code [B, D]}
     * @return the divergence at each point, shape {@code [B]}
     */
    Tensor divergence(Tensor t, Tensor x);

    /**
     * Hutchinson's unbiased estimate of the divergence, {@code e^T (dv/dx) e} for a probe {@code e}
     * with {@code E[e e^T] = I} (Rademacher or standard normal), one backward pass in all.
     *
     * @param t times, shape {@code [B, 1]}
     * @param x points, shape {@code [B, D]}
     * @param probe the probe vectors, shape {@code [B, D]}
     * @return the estimate at each point, shape {@code [B]}
     */
    Tensor divergenceEstimate(Tensor t, Tensor x, Tensor probe);

    /** @return a host copy of the current weights, in the order of {@link ModelSpec#parameterShapes()} */
    ModelWeights weights();

    /** Frees the model's native memory. */
    @Override
    void close();
}

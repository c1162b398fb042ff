package org.fmjvm.api.autodiff;

import java.util.Objects;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.OptimizerSpec;

/**
 * An optional native kernel for one Adam/AdamW update of one parameter, in place. fm-nn's
 * {@code Adam} defines the update once over the op set and uses this kernel instead where a
 * backend offers one ({@link org.fmjvm.api.Backend#fusedAdam()}) and the step runs eagerly; a
 * contract test holds the kernel to the op-set version.
 *
 * <p>The update, with {@code g = scale * gradient} and {@code t = step}, is PyTorch's
 * {@code torch.optim.Adam} (L2 decay {@code g += wd w}) or {@code AdamW} (decoupled decay
 * {@code w *= 1 - lr wd} first): {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2},
 * {@code w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}.
 */
public interface FusedAdam {

    /**
     * One step's scalars.
     *
     * @param spec betas, epsilon and weight decay
     * @param learningRate this step's learning rate
     * @param step the step number, from 1
     * @param gradientScale the factor global-norm clipping applies to every gradient (1 for none)
     */
    record Step(OptimizerSpec spec, double learningRate, long step, double gradientScale) {
        /** Checks the arguments. */
        public Step {
            Objects.requireNonNull(spec, "spec");
            if (step < 1) {
                throw new IllegalArgumentException("step must be >= 1, got " + step);
            }
        }
    }

    /**
     * Updates {@code weight}, {@code m} and {@code v} in place. They must be tensors of a
     * {@link org.fmjvm.api.TensorStore} of the same backend.
     *
     * @param weight the parameter
     * @param gradient its gradient (not changed)
     * @param m the first moment
     * @param v the second moment
     * @param step the scalars
     */
    void update(Tensor weight, Tensor gradient, Tensor m, Tensor v, Step step);
}

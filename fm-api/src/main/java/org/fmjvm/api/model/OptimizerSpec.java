package org.fmjvm.api.model;

import org.fmjvm.api.error.ConfigurationException;

/**
 * Adam, with the same update as PyTorch's {@code torch.optim.Adam} (or {@code AdamW} when
 * {@code decoupledWeightDecay}): {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code w -= lr * m_hat / (sqrt(v_hat) + eps)} with bias-corrected {@code m_hat, v_hat}.
 *
 * @param learningRate step size, {@code > 0}
 * @param beta1 first-moment decay in [0, 1)
 * @param beta2 second-moment decay in [0, 1)
 * @param epsilon added to the denominator, {@code > 0}
 * @param weightDecay L2 penalty ({@code >= 0}); added to the gradient, or applied as
 *     {@code w -= lr * wd * w} when {@code decoupledWeightDecay}
 * @param decoupledWeightDecay AdamW-style decay
 * @param maxGradNorm if {@code > 0}, gradients are rescaled so their global L2 norm is at most this
 *     value before the update; {@code 0} disables clipping
 */
public record OptimizerSpec(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
        boolean decoupledWeightDecay, double maxGradNorm) {

    /** Validates every hyper-parameter. */
    public OptimizerSpec {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new ConfigurationException("learning rate must be a finite number > 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new ConfigurationException("Adam betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(epsilon > 0)) {
            throw new ConfigurationException("Adam epsilon must be > 0, got " + epsilon);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new ConfigurationException("weight decay must be >= 0, got " + weightDecay);
        }
        if (!(maxGradNorm >= 0) || !Double.isFinite(maxGradNorm)) {
            throw new ConfigurationException("max gradient norm must be >= 0 (0 disables clipping), got "
                    + maxGradNorm);
        }
    }

    /**
     * @param learningRate step size
     * @return Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no decay, no clipping
     */
    public static OptimizerSpec adam(double learningRate) {
        return new OptimizerSpec(learningRate, 0.9, 0.999, 1e-8, 0, false, 0);
    }

    /**
     * @param norm the cap, {@code > 0}
     * @return this spec with global-norm gradient clipping
     */
    public OptimizerSpec withMaxGradNorm(double norm) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay, norm);
    }

    /**
     * @param decay the penalty
     * @param decoupled AdamW-style
     * @return this spec with weight decay
     */
    public OptimizerSpec withWeightDecay(double decay, boolean decoupled) {
        return new OptimizerSpec(learningRate, beta1, beta2, epsilon, decay, decoupled, maxGradNorm);
    }

    /** @return whether gradients are clipped */
    public boolean clipsGradients() {
        return maxGradNorm > 0;
    }

    /** @return one line for run summaries */
    public String describe() {
        return (decoupledWeightDecay ? "AdamW" : "Adam") + "(lr " + learningRate + ", betas (" + beta1 + ", " + beta2
                + "), eps " + epsilon + (weightDecay > 0 ? ", weight decay " + weightDecay : "")
                + (clipsGradients() ? ", clip grad norm " + maxGradNorm : "") + ")";
    }
}

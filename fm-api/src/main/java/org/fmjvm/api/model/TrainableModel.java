package org.fmjvm.api.model;

import org.fmjvm.api.Tensor;

/**
 * A {@link VelocityModel} with an optimizer attached. One call to {@link #trainStep} is one
 * gradient step on the conditional flow-matching regression
 * {@code loss = mean_b || v_theta(t_b, xt_b) - dxt_b ||^2} (squared Euclidean norm over the
 * {@code D} coordinates, mean over the batch).
 */
public interface TrainableModel extends VelocityModel {

    /** @return the optimizer and its hyper-parameters */
    OptimizerSpec optimizer();

    /**
     * Forward pass, the loss above, backward pass and one optimizer update. Releases every
     * intermediate native buffer before returning.
     *
     * @param t times, shape {@code [B, 1]}
     * @param xt points on the path, shape {@code [B, D]}
     * @param dxt target velocities, shape {@code [B, D]}
     * @return the loss before the update
     */
    double trainStep(Tensor t, Tensor xt, Tensor dxt);

    /**
     * One step on the weighted loss {@code mean_b w_b || v_theta(input)_b - target_b ||^2}: with no
     * condition and no weights this is {@link #trainStep(Tensor, Tensor, Tensor)}.
     *
     * @param input times {@code [B, 1]}, points on the path {@code [B, D]}, optional condition
     * @param target the regression target {@code [B, D]}
     * @param sampleWeights per-sample weights {@code [B]}, or null
     * @return the loss before the update
     * @throws UnsupportedOperationException if this model takes no condition or weights and some
     *     are given
     */
    default double trainStep(ModelInput input, Tensor target, Tensor sampleWeights) {
        if (input.condition() != null || sampleWeights != null) {
            throw new UnsupportedOperationException("this model trains on unweighted, unconditional inputs only");
        }
        return trainStep(input.t(), input.x(), target);
    }

    /**
     * The same loss as {@link #trainStep} without touching the weights or optimizer state.
     *
     * @param t times, shape {@code [B, 1]}
     * @param xt points on the path, shape {@code [B, D]}
     * @param dxt target velocities, shape {@code [B, D]}
     * @return the loss
     */
    double loss(Tensor t, Tensor xt, Tensor dxt);

    /** @return how many optimizer steps have been taken */
    long stepsTaken();

    /**
     * The learning rate the next {@link #trainStep} uses; starts at {@link OptimizerSpec#learningRate()}.
     * A trainer following a schedule sets it before every step. Adam's moment estimates and bias
     * correction are unaffected.
     *
     * @param learningRate a finite rate {@code >= 0}
     * @throws IllegalArgumentException if the rate is negative or not finite
     */
    void setLearningRate(double learningRate);

    /** @return the learning rate the next step uses */
    double learningRate();

    /**
     * A copy of the optimizer's state on the host: steps taken, the current learning rate and Adam's
     * moments named like the parameters. Does not change the model.
     *
     * @return the state {@link #restoreOptimizerState} takes
     */
    OptimizerState optimizerState();

    /**
     * Replaces the optimizer's state (steps taken, learning rate, Adam's moments); the weights are
     * untouched. A model built from another model's weights and given that model's
     * {@link #optimizerState()} then takes bitwise the same next {@link #trainStep}, provided both
     * have the same {@link OptimizerSpec}.
     *
     * @param state a state of a model with this {@link #spec()}
     * @throws org.fmjvm.api.error.ShapeMismatchException if a moment's name or shape differs from the
     *     parameter's, naming the tensor and both shapes
     */
    void restoreOptimizerState(OptimizerState state);
}

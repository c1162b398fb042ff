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
}

package org.fmjvm.api.model;

import java.util.Optional;

import org.fmjvm.api.Tensor;

/**
 * A {@link VelocityModel} with an optimizer attached. One call to {@link #trainStep} is one
 * gradient step on the conditional flow-matching regression
 * {@code loss = mean_b || v_theta(t_b, xt_b) - dxt_b ||^2} (squared Euclidean norm over the
 * {@code D} coordinates, mean over the batch).
 *
 * <p>A model may also keep an exponential moving average (EMA) of its weights ({@link #enableEma}),
 * which is usually the better set to sample from; the default methods describe a model that keeps none.
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

    /**
     * Starts keeping an exponential moving average of the weights, beginning at the current weights:
     * after every {@link #trainStep}, {@code ema = ema + (1 - decay) (w - ema)} for each parameter
     * (as PyTorch's {@code torch.optim.swa_utils.get_ema_multi_avg_fn}). Calling it again starts a
     * new average from the current weights with the new decay. Neither the weights nor the optimizer
     * are affected.
     *
     * @param decay the decay in {@code [0, 1)}, e.g. 0.999 (the average remembers about
     *     {@code 1 / (1 - decay)} steps); see {@link ModelInputs#emaDecay}
     * @throws IllegalArgumentException if the decay is outside {@code [0, 1)}
     * @throws UnsupportedOperationException if this model cannot keep an average (the default)
     */
    default void enableEma(double decay) {
        ModelInputs.emaDecay(decay);
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no moving average of its"
                + " weights (EMA decay " + decay + "); train without an EMA or use a model from"
                + " Backend.newTrainableModel");
    }

    /**
     * @return a copy of the moving average of the weights on the host, named and shaped like
     *     {@link #weights()}, or empty if {@link #enableEma} was not called (the default)
     */
    default Optional<ModelWeights> emaWeights() {
        return Optional.empty();
    }

    /**
     * Replaces the moving average, e.g. with a saved one when a run resumes; the decay stays that of
     * {@link #enableEma}. A model resumed with the weights, {@link #optimizerState()} and average of
     * another then continues bitwise as that model would.
     *
     * @param average averaged weights matching {@link #spec()}
     * @throws org.fmjvm.api.error.ShapeMismatchException if a tensor's name or shape differs from the
     *     parameter's
     * @throws IllegalStateException if {@link #enableEma} was not called
     * @throws UnsupportedOperationException if this model cannot keep an average (the default)
     */
    default void restoreEma(ModelWeights average) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps no moving average of its"
                + " weights, so there is none to restore; train without an EMA or use a model from"
                + " Backend.newTrainableModel");
    }
}

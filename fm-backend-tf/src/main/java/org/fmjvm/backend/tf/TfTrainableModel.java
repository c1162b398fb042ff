package org.fmjvm.backend.tf;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.backend.ForwardingVelocityModel;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.OptimizerState;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;

/**
 * A trainable velocity model of the {@code tf} backend: a {@link TfMlp} with Adam's moments;
 * inference calls go to the network. One {@link #trainStep} is one call of the architecture's
 * training function (forward, {@code loss = mean_b sum_d (v - dxt)^2}, gradients, clipping, weight
 * decay and the Adam update, see {@link TfMlpGraph}); the learning rate and bias corrections are
 * passed per step, so {@link #setLearningRate} takes effect at the next step.
 *
 * <p>Not thread-safe: a single-threaded session.
 */
final class TfTrainableModel implements TrainableModel, ForwardingVelocityModel {
    private final TfMlp mlp;

    TfTrainableModel(TfMlp mlp) {
        this.mlp = mlp;
    }

    @Override
    public VelocityModel network() {
        return mlp;
    }

    @Override
    public OptimizerSpec optimizer() {
        return mlp.optimizer();
    }

    @Override
    public double trainStep(Tensor t, Tensor xt, Tensor dxt) {
        return mlp.trainStep(t, xt, dxt);
    }

    @Override
    public double loss(Tensor t, Tensor xt, Tensor dxt) {
        return mlp.loss(t, xt, dxt);
    }

    @Override
    public long stepsTaken() {
        return mlp.steps();
    }

    @Override
    public void setLearningRate(double learningRate) {
        mlp.learningRate(learningRate);
    }

    @Override
    public double learningRate() {
        return mlp.learningRate();
    }

    @Override
    public OptimizerState optimizerState() {
        return mlp.optimizerState();
    }

    @Override
    public void restoreOptimizerState(OptimizerState state) {
        mlp.restoreOptimizerState(state);
    }

    @Override
    public String toString() {
        return mlp + ", " + mlp.optimizer().describe();
    }
}

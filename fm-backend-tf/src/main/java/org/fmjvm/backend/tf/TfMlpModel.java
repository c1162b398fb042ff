package org.fmjvm.backend.tf;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.VelocityModel;

/**
 * The {@link VelocityModel} operations of the {@code tf} backend's models, delegated to their
 * {@link TfMlp}: what {@link TfVelocityModel} and {@link TfTrainableModel} share. Shapes:
 * {@code t [B, 1]}, {@code x [B, D]}, velocity {@code [B, D]}, divergences {@code [B]}. Results go
 * to the caller's current scope.
 *
 * <p>Package-private, so the backend's public surface stays the fm-api interfaces. Not
 * thread-safe: a single-threaded session.
 */
abstract class TfMlpModel implements VelocityModel {
    /** The network; closed with the model. */
    final TfMlp mlp;

    TfMlpModel(TfMlp mlp) {
        this.mlp = mlp;
    }

    @Override
    public final ModelSpec spec() {
        return mlp.spec();
    }

    @Override
    public final Backend backend() {
        return mlp.backend();
    }

    @Override
    public final Tensor velocity(Tensor t, Tensor x) {
        return mlp.velocity(t, x);
    }

    @Override
    public final Tensor divergence(Tensor t, Tensor x) {
        return mlp.divergence(t, x);
    }

    @Override
    public final Tensor divergenceEstimate(Tensor t, Tensor x, Tensor probe) {
        return mlp.divergenceEstimate(t, x, probe);
    }

    @Override
    public final ModelWeights weights() {
        return mlp.weights();
    }

    @Override
    public final void close() {
        mlp.close();
    }

    @Override
    public String toString() {
        return "tf " + mlp.spec().describe();
    }
}

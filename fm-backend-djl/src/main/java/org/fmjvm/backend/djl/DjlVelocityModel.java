package org.fmjvm.backend.djl;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.VelocityModel;

/**
 * An inference-only velocity model of the {@code djl} backend: {@link DjlMlp} with weights that do
 * not record gradients. Shapes: {@code t [B, 1]}, {@code x [B, D]}, velocity {@code [B, D]},
 * divergences {@code [B]}. Results go to the caller's current scope.
 *
 * <p>Not thread-safe: a single-threaded session.
 */
final class DjlVelocityModel implements VelocityModel {
    private final DjlMlp mlp;

    DjlVelocityModel(DjlMlp mlp) {
        this.mlp = mlp;
    }

    @Override
    public ModelSpec spec() {
        return mlp.spec();
    }

    @Override
    public Backend backend() {
        return mlp.backend();
    }

    @Override
    public Tensor velocity(Tensor t, Tensor x) {
        return mlp.velocity(t, x);
    }

    @Override
    public Tensor divergence(Tensor t, Tensor x) {
        return mlp.divergence(t, x);
    }

    @Override
    public Tensor divergenceEstimate(Tensor t, Tensor x, Tensor probe) {
        return mlp.divergenceEstimate(t, x, probe);
    }

    @Override
    public ModelWeights weights() {
        return mlp.weights();
    }

    @Override
    public void close() {
        mlp.close();
    }

    @Override
    public String toString() {
        return "djl " + mlp.spec().describe();
    }
}

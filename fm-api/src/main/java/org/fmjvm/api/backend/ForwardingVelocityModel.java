package org.fmjvm.api.backend;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.VelocityModel;

/**
 * A {@link VelocityModel} that forwards every call to the network it is built on, for backend
 * implementors: a backend's {@link org.fmjvm.api.model.TrainableModel} adds an optimizer to a
 * network that is itself the backend's {@code VelocityModel}, and implements this interface so
 * that it writes only the training methods:
 *
 * <pre>{@code
 * final class MyTrainableModel implements TrainableModel, ForwardingVelocityModel {
 *     private final MyNetwork network;   // what newModel returns, a VelocityModel
 *
 *     public VelocityModel network() {
 *         return network;
 *     }
 *
 *     public double trainStep(Tensor t, Tensor xt, Tensor dxt) { ... }
 *     ...
 * }
 * }</pre>
 *
 * Shapes as in {@link VelocityModel}: {@code t [B, 1]}, {@code x [B, D]}, velocity {@code [B, D]},
 * divergences {@code [B]}. {@link #close()} closes the network, which should free any optimizer
 * state kept with its weights.
 *
 * <p>Not thread-safe: a model is a single-threaded session, like its network.
 */
public interface ForwardingVelocityModel extends VelocityModel {

    /** @return the network every {@link VelocityModel} call is forwarded to */
    VelocityModel network();

    @Override
    default ModelSpec spec() {
        return network().spec();
    }

    @Override
    default Backend backend() {
        return network().backend();
    }

    @Override
    default Tensor velocity(Tensor t, Tensor x) {
        return network().velocity(t, x);
    }

    @Override
    default Tensor velocity(double t, Tensor x) {
        return network().velocity(t, x);
    }

    @Override
    default Tensor divergence(Tensor t, Tensor x) {
        return network().divergence(t, x);
    }

    @Override
    default Tensor divergenceEstimate(Tensor t, Tensor x, Tensor probe) {
        return network().divergenceEstimate(t, x, probe);
    }

    @Override
    default ModelWeights weights() {
        return network().weights();
    }

    @Override
    default void close() {
        network().close();
    }
}

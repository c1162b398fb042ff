package org.fmjvm.nn;

import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;

/**
 * The models a backend's {@link Backend#newModel} and {@link Backend#newTrainableModel} return:
 * the {@link Mlp} of a {@link ModelSpec}, written once, on that backend.
 */
public final class Models {
    private Models() {
    }

    /**
     * @param backend the backend
     * @param spec the architecture
     * @param weights weights matching {@code spec}
     * @return an inference model
     */
    public static NetworkModel velocityModel(Backend backend, ModelSpec spec, ModelWeights weights) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(weights, "weights").requireMatches(spec);
        return new NetworkModel(backend, new Mlp(spec), weights, false);
    }

    /**
     * @param backend the backend
     * @param spec the architecture
     * @param optimizer Adam's hyper-parameters
     * @param initial initial weights matching {@code spec}
     * @return a trainable model
     */
    public static TrainableNetworkModel trainableModel(Backend backend, ModelSpec spec, OptimizerSpec optimizer,
            ModelWeights initial) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(initial, "weights").requireMatches(spec);
        return new TrainableNetworkModel(backend, new Mlp(spec), optimizer, initial);
    }
}

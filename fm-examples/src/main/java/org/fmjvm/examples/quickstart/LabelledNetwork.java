package org.fmjvm.examples.quickstart;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.ModelInput;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.nn.ClassEmbedding;
import org.fmjvm.nn.Linear;
import org.fmjvm.nn.Network;
import org.fmjvm.nn.ParamSpec;
import org.fmjvm.nn.Params;
import org.fmjvm.nn.TrainableNetworkModel;

/**
 * A network of one's own, for the README: a class-conditional velocity field
 * {@code v(t, x, label)} written with fm-nn's public layers, which every backend runs with no code of
 * its own ({@code djl} eagerly, {@code tf} traced into a graph function).
 */
public final class LabelledNetwork implements Network {
    private final ClassEmbedding label = new ClassEmbedding("label", 10, 8);
    private final Linear in = new Linear("in", 2 + 1 + 8, 64);
    private final Linear out = new Linear("out", 64, 2);

    @Override
    public int dim() {
        return 2;
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> all = new ArrayList<>(label.parameters());
        all.addAll(in.parameters());
        all.addAll(out.parameters());
        return all;
    }

    @Override
    public Tensor forward(Params p, ModelInput input) {
        Tensor h = input.x().backend().concat(List.of(input.x(), input.t(), label.apply(p, input.condition())), 1);
        return out.apply(p, in.apply(p, h).silu());
    }

    @Override
    public String describe() {
        return "labelled net";
    }

    /**
     * One training step on a batch and the velocity after it.
     *
     * @param backend any backend
     * @param initial weights for {@link #parameters()}
     * @param t times {@code [B, 1]}
     * @param x0 source points {@code [B, 2]}
     * @param x1 data points {@code [B, 2]}
     * @param labels class ids {@code [B]}
     * @return the velocity at {@code x0} after the step, {@code [B, 2]}
     */
    public static Tensor trainOnce(Backend backend, ModelWeights initial, Tensor t, Tensor x0, Tensor x1,
            Tensor labels) {
        try (TrainableNetworkModel model = new TrainableNetworkModel(backend, new LabelledNetwork(),
                OptimizerSpec.adam(1e-3), initial)) {
            model.enableEma(0.999);
            Tensor xt = x1.mul(t).add(x0.mul(t.rsub(1)));
            model.trainStep(new ModelInput(t, xt, labels), x1.sub(x0), null);   // optional per-sample weights
            return model.velocity(new ModelInput(t, x0, labels));
        }
    }
}

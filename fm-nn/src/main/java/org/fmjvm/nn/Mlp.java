package org.fmjvm.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.ModelInput;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;

/**
 * The velocity MLP a {@link ModelSpec} describes, written once: input
 * {@code concat(x, timeFeatures(t))}, hidden {@link Linear} layers each followed by the activation,
 * a linear output layer of width {@code D}. Parameter names are {@link ModelSpec#weightName} and
 * {@link ModelSpec#biasName} ({@code net.<2l>.weight}, {@code net.<2l>.bias}), as checkpoints
 * store them.
 *
 * <p>Unconditional: a condition in the input is refused (a conditional network adds its own
 * layers, e.g. {@link ClassEmbedding}).
 */
public final class Mlp implements Network {
    private final ModelSpec spec;
    private final List<Linear> layers;
    private final List<ParamSpec> parameters;

    /** @param spec the architecture */
    public Mlp(ModelSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        List<Linear> ls = new ArrayList<>();
        List<ParamSpec> ps = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            int[] ws = spec.weightShape(l);
            String name = ModelSpec.weightName(l);
            Linear layer = new Linear(name.substring(0, name.length() - ".weight".length()), ws[1], ws[0]);
            ls.add(layer);
            ps.addAll(layer.parameters());
        }
        this.layers = List.copyOf(ls);
        this.parameters = List.copyOf(ps);
    }

    /** @return the architecture */
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public int dim() {
        return spec.dim();
    }

    @Override
    public List<ParamSpec> parameters() {
        return parameters;
    }

    @Override
    public List<ModelWeights.Parameter> buffers() {
        return Layers.timeBuffers(spec.timeEmbedding());
    }

    @Override
    public Tensor forward(Params params, ModelInput input) {
        if (input.condition() != null) {
            throw new IllegalArgumentException("this MLP is unconditional; it takes no condition");
        }
        List<Tensor> columns = new ArrayList<>(4);
        columns.add(input.x());
        columns.addAll(Layers.timeFeatures(spec.timeEmbedding(), params, input.t()));
        Tensor h = input.x().backend().concat(columns, 1);
        for (int i = 2; i < columns.size(); i++) {
            columns.get(i).close();
        }
        int last = layers.size() - 1;
        for (int l = 0; l <= last; l++) {
            Tensor z = layers.get(l).apply(params, h);
            h.close();
            if (l == last) {
                return z;
            }
            h = Layers.activate(spec.activation(), z);
            z.close();
        }
        throw new AssertionError("unreachable");
    }

    @Override
    public String describe() {
        return spec.describe();
    }
}

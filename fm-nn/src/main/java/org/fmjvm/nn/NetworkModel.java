package org.fmjvm.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorStore;
import org.fmjvm.api.autodiff.CompiledFunction;
import org.fmjvm.api.autodiff.FunctionKind;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.model.ModelInput;
import org.fmjvm.api.model.ModelInputs;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.VelocityModel;

/**
 * A {@link Network} on a {@link Backend}: its weights and buffers live in a {@link TensorStore},
 * and its forward pass and divergences are {@linkplain Backend#compile compiled} functions of the
 * inputs followed by the weights and buffers. The same class serves every backend: {@code djl}
 * runs the functions eagerly, {@code tf} traces them into graph functions once.
 *
 * <p>Divergences are written once through {@link Backend#vjp}: Hutchinson's estimate is
 * {@code sum_d (e^T J)_d e_d}, one backward pass; the exact divergence adds the same expression over
 * the basis probes {@code e_i} ({@code [1, D]}, broadcast over the batch), one backward pass each.
 *
 * <p>Not thread-safe: a model is a single-threaded session.
 */
public class NetworkModel implements VelocityModel {
    private final Backend backend;
    private final Network network;
    private final ModelSpec spec;
    private final List<String> names;
    /** The store: weights, then buffers. */
    final TensorStore store;
    final List<Tensor> params;
    private final List<Tensor> buffers;
    private final CompiledFunction forward;
    private final CompiledFunction conditionalForward;
    private final CompiledFunction diagonal;
    private final CompiledFunction estimate;
    private boolean closed;

    /**
     * @param backend where the model lives
     * @param network the architecture
     * @param weights one value per {@link Network#parameters()} entry, by name and shape
     * @param trainable whether gradients with respect to the weights will be taken
     * @throws ShapeMismatchException if a weight is missing or has another shape
     */
    public NetworkModel(Backend backend, Network network, ModelWeights weights, boolean trainable) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.network = Objects.requireNonNull(network, "network");
        Objects.requireNonNull(weights, "weights");
        this.spec = network instanceof Mlp mlp ? mlp.spec() : null;
        requireMatches(network, weights);
        List<String> n = new ArrayList<>();
        network.parameters().forEach(p -> n.add(p.name()));
        network.buffers().forEach(b -> n.add(b.name()));
        this.names = List.copyOf(n);
        this.store = backend.openStore();
        this.params = new ArrayList<>();
        this.buffers = new ArrayList<>();
        try {
            for (ParamSpec p : network.parameters()) {
                params.add(store.create(weights.get(p.name()).values(), trainable, p.shape()));
            }
            for (ModelWeights.Parameter b : network.buffers()) {
                buffers.add(store.create(b.values(), false, b.shape()));
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        String label = label(network);
        this.forward = backend.compile(label + "_forward", FunctionKind.FORWARD, 2,
                args -> List.of(network.forward(params(args, 2), ModelInput.of(args.get(0), args.get(1)))));
        this.conditionalForward = backend.compile(label + "_forward_conditional", FunctionKind.FORWARD, 3,
                args -> List.of(network.forward(params(args, 3), new ModelInput(args.get(0), args.get(1),
                        args.get(2)))));
        this.diagonal = backend.compile(label + "_divergence", FunctionKind.DIVERGENCE, 2, this::probeTerm);
        this.estimate = backend.compile(label + "_divergence_estimate", FunctionKind.DIVERGENCE_ESTIMATE, 3,
                this::probeTerm);
    }

    /** @return the network's name in compiled functions' names, e.g. {@code mlp} */
    static String label(Network network) {
        return network.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code t, x, e, weights..., buffers...} to {@code sum_d (e^T dv/dx)_d e_d} per row. */
    private List<Tensor> probeTerm(List<Tensor> args) {
        Tensor t = args.get(0);
        Tensor x = args.get(1);
        Tensor e = args.get(2);
        Params p = params(args, 3);
        Tensor g = backend.vjp(xx -> network.forward(p, ModelInput.of(t, xx)), x, e);
        Tensor product = g.mul(e);
        g.close();
        Tensor term = product.sum(1, false);
        product.close();
        return List.of(term);
    }

    /** The weights and buffers among a compiled function's arguments, from index {@code from}. */
    final Params params(List<Tensor> args, int from) {
        return Params.of(names, args.subList(from, from + names.size()));
    }

    /** The compiled functions' arguments: {@code inputs} followed by the weights and buffers. */
    final List<Tensor> args(Tensor... inputs) {
        List<Tensor> all = new ArrayList<>(inputs.length + weightCount());
        all.addAll(List.of(inputs));
        addWeights(all);
        return all;
    }

    /** @return how many tensors {@link #addWeights} appends */
    final int weightCount() {
        return params.size() + buffers.size();
    }

    /** Appends the weights, then the buffers: what every compiled function takes after its inputs. */
    final void addWeights(List<Tensor> to) {
        to.addAll(params);
        to.addAll(buffers);
    }

    static void requireMatches(Network network, ModelWeights weights) {
        List<ParamSpec> expected = network.parameters();
        if (weights.parameters().size() != expected.size()) {
            throw new ShapeMismatchException("the weights hold " + weights.parameters().size() + " tensors "
                    + weights.names() + " but " + network.describe() + " has " + expected.size() + " " + names(expected));
        }
        for (ParamSpec p : expected) {
            ModelWeights.Parameter w;
            try {
                w = weights.get(p.name());
            } catch (RuntimeException e) {
                throw new ShapeMismatchException("the weights have no tensor '" + p.name() + "' that "
                        + network.describe() + " needs; they hold " + weights.names());
            }
            if (!java.util.Arrays.equals(w.shape(), p.shape())) {
                throw new ShapeMismatchException("weight '" + p.name() + "' has shape "
                        + java.util.Arrays.toString(w.shape()) + " but " + network.describe() + " needs "
                        + java.util.Arrays.toString(p.shape()));
            }
        }
    }

    private static List<String> names(List<ParamSpec> specs) {
        return specs.stream().map(ParamSpec::name).toList();
    }

    /** @return the network */
    public Network network() {
        return network;
    }

    /**
     * @return the architecture
     * @throws UnsupportedOperationException if the network is not the MLP a {@link ModelSpec}
     *     describes
     */
    @Override
    public ModelSpec spec() {
        if (spec == null) {
            throw new UnsupportedOperationException(network.describe() + " is not described by a ModelSpec");
        }
        return spec;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this model was closed");
        }
    }

    @Override
    public Tensor velocity(Tensor t, Tensor x) {
        checkOpen();
        ModelInputs.check(network.dim(), t, x);
        return forward.call(args(t, x)).get(0);
    }

    @Override
    public Tensor velocity(ModelInput input) {
        if (input.condition() == null) {
            return velocity(input.t(), input.x());
        }
        checkOpen();
        int batch = ModelInputs.check(network.dim(), input.t(), input.x());
        requireCondition(input.condition(), batch);
        return conditionalForward.call(args(input.t(), input.x(), input.condition())).get(0);
    }

    static void requireCondition(Tensor condition, int batch) {
        if (condition.rank() < 1 || condition.dim(0) != batch) {
            throw new ShapeMismatchException("the condition has shape " + java.util.Arrays.toString(condition.shape())
                    + " but the batch has " + batch + " rows; pass one class id or condition row per point");
        }
    }

    @Override
    public Tensor divergence(Tensor t, Tensor x) {
        checkOpen();
        ModelInputs.check(network.dim(), t, x);
        int dim = network.dim();
        Tensor total = null;
        for (int i = 0; i < dim; i++) {
            float[] basis = new float[dim];
            basis[i] = 1;
            Tensor e = backend.fromArray(basis, 1, dim);
            Tensor term = diagonal.call(args(t, x, e)).get(0);
            e.close();
            if (total == null) {
                total = term;
            } else {
                Tensor sum = total.add(term);
                total.close();
                term.close();
                total = sum;
            }
        }
        return total;
    }

    @Override
    public Tensor divergenceEstimate(Tensor t, Tensor x, Tensor probe) {
        checkOpen();
        ModelInputs.checkProbe(network.dim(), t, x, probe);
        return estimate.call(args(t, x, probe)).get(0);
    }

    @Override
    public ModelWeights weights() {
        checkOpen();
        return read(network.parameters(), params);
    }

    static ModelWeights read(List<ParamSpec> specs, List<Tensor> tensors) {
        List<ModelWeights.Parameter> out = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            ParamSpec p = specs.get(i);
            out.add(new ModelWeights.Parameter(p.name(), p.shape(), tensors.get(i).toFloatArray()));
        }
        return new ModelWeights(out);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            store.close();
        }
    }

    @Override
    public String toString() {
        return backend.name() + " " + network.describe();
    }
}

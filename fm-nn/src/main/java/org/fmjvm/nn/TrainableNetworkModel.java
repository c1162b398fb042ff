package org.fmjvm.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.autodiff.CompiledFunction;
import org.fmjvm.api.autodiff.FunctionKind;
import org.fmjvm.api.autodiff.FusedAdam;
import org.fmjvm.api.autodiff.ValueAndGradients;
import org.fmjvm.api.model.ModelInput;
import org.fmjvm.api.model.ModelInputs;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.OptimizerState;
import org.fmjvm.api.model.TrainableModel;

/**
 * A {@link NetworkModel} with {@link Adam} attached and, optionally ({@link #enableEma}), an
 * {@link Ema} of its weights:
 * the training step is written once. One {@link #trainStep} is one compiled call: forward pass,
 * {@link CfmLoss}, gradients by {@link Backend#valueAndGradients}, then the update: in place by the
 * backend's {@link FusedAdam} kernel where it has one ({@code djl}), otherwise as op-set tensors
 * that replace the weights and moments ({@code tf}, traced into one graph function with the rest of
 * the step).
 *
 * <p>Not thread-safe: a single-threaded session.
 */
public final class TrainableNetworkModel extends NetworkModel implements TrainableModel {
    private final OptimizerSpec optimizer;
    private final Optional<FusedAdam> fused;
    private final List<Tensor> firstMoments = new ArrayList<>();
    private final List<Tensor> secondMoments = new ArrayList<>();
    private final Map<Integer, CompiledFunction> steps = new HashMap<>();
    /** The loss without an update, compiled on first use. */
    private CompiledFunction lossFunction;
    private CompiledFunction emaUpdate;
    private List<Tensor> average;
    private double emaDecay;
    private long stepsTaken;
    private double learningRate;

    /**
     * @param backend where the model lives
     * @param network the architecture
     * @param optimizer Adam's hyper-parameters
     * @param initial the initial weights
     */
    public TrainableNetworkModel(Backend backend, Network network, OptimizerSpec optimizer, ModelWeights initial) {
        this(backend, network, optimizer, initial, backend.fusedAdam());
    }

    private TrainableNetworkModel(Backend backend, Network network, OptimizerSpec optimizer, ModelWeights initial,
            Optional<FusedAdam> fused) {
        super(backend, network, initial, true);
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.fused = fused;
        this.learningRate = optimizer.learningRate();
        try {
            for (ParamSpec p : network.parameters()) {
                firstMoments.add(store.create(new float[p.size()], false, p.shape()));
                secondMoments.add(store.create(new float[p.size()], false, p.shape()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A model that takes the op-set Adam update even where the backend has a fused kernel: the
     * reference its kernel is held to (fm-testkit's NetworkContract), and a way to rule the kernel
     * out when a result looks wrong.
     *
     * @param backend where the model lives
     * @param network the architecture
     * @param optimizer Adam's hyper-parameters
     * @param initial the initial weights
     * @return the model
     */
    public static TrainableNetworkModel withoutFusedKernel(Backend backend, Network network, OptimizerSpec optimizer,
            ModelWeights initial) {
        return new TrainableNetworkModel(backend, network, optimizer, initial, Optional.empty());
    }

    /**
     * {@inheritDoc}
     *
     * <p>The update is one compiled function over the averaged and current weights, run after each
     * step's optimizer update.
     */
    @Override
    public void enableEma(double decay) {
        checkOpen();
        this.emaDecay = ModelInputs.emaDecay(decay);
        replaceAverage(averageFrom(weights()));
        int n = params.size();
        double captured = emaDecay;
        this.emaUpdate = backend().compile("ema_update", FunctionKind.TRAIN_STEP, 0,
                args -> Ema.update(args.subList(0, n), args.subList(n, 2 * n), captured));
    }

    @Override
    public void restoreEma(ModelWeights average) {
        Objects.requireNonNull(average, "average");
        checkOpen();
        if (emaUpdate == null) {
            throw new IllegalStateException("this model keeps no EMA of its weights, so there is none to restore;"
                    + " call enableEma(decay) first");
        }
        replaceAverage(averageFrom(average));
    }

    private List<Tensor> averageFrom(ModelWeights weights) {
        requireMatches(network(), weights);
        List<Tensor> out = new ArrayList<>();
        for (ParamSpec p : network().parameters()) {
            out.add(store.create(weights.get(p.name()).values(), false, p.shape()));
        }
        return out;
    }

    private void replaceAverage(List<Tensor> next) {
        if (average != null) {
            average.forEach(store::free);
        }
        average = next;
    }

    @Override
    public Optional<ModelWeights> emaWeights() {
        checkOpen();
        return average == null ? Optional.empty() : Optional.of(read(network().parameters(), average));
    }

    /** @return the EMA decay, or 0 if none is kept */
    public double emaDecay() {
        return emaDecay;
    }

    @Override
    public OptimizerSpec optimizer() {
        return optimizer;
    }

    @Override
    public double trainStep(Tensor t, Tensor xt, Tensor dxt) {
        return trainStep(ModelInput.of(t, xt), dxt, null);
    }

    @Override
    public double trainStep(ModelInput input, Tensor target, Tensor sampleWeights) {
        checkOpen();
        List<Tensor> batchArgs = batchArgs(input, target, sampleWeights);
        int variant = (input.condition() != null ? 1 : 0) | (sampleWeights != null ? 2 : 0);
        long step = stepsTaken + 1;
        double loss;
        CompiledFunction f = steps.get(variant);
        if (f == null) {
            f = fused.isPresent() ? compileFusedStep(variant) : compileGraphStep(variant);
            steps.put(variant, f);
        }
        int n = params.size();
        if (fused.isPresent()) {
            List<Tensor> all = new ArrayList<>(batchArgs.size() + weightCount());
            all.addAll(batchArgs);
            addWeights(all);
            try (Tensor value = f.call(all).get(0)) {
                loss = value.item();
            }
        } else {
            float[] s = Adam.scalars(optimizer, learningRate, step);
            Backend b = backend();
            List<Tensor> all = new ArrayList<>(batchArgs.size() + s.length + weightCount() + 2 * n);
            all.addAll(batchArgs);
            for (float scalar : s) {
                all.add(b.fromArray(new float[] {scalar}));
            }
            addWeights(all);
            all.addAll(firstMoments);
            all.addAll(secondMoments);
            List<Tensor> out = f.call(all);
            for (int i = 0; i < s.length; i++) {
                all.get(batchArgs.size() + i).close();
            }
            replace(params, out.subList(1, 1 + n), true);
            replace(firstMoments, out.subList(1 + n, 1 + 2 * n), false);
            replace(secondMoments, out.subList(1 + 2 * n, 1 + 3 * n), false);
            try (Tensor value = out.get(0)) {
                loss = value.item();
            }
        }
        stepsTaken = step;
        if (emaUpdate != null) {
            List<Tensor> emaArgs = new ArrayList<>(average);
            emaArgs.addAll(params);
            List<Tensor> adopted = new ArrayList<>(average.size());
            for (Tensor e : emaUpdate.call(emaArgs)) {
                adopted.add(store.adopt(e, false));
            }
            replaceAverage(adopted);
        }
        return loss;
    }

    /** The batch arguments of a step variant: {@code t, x, [condition], target, [weights]}. */
    private record Layout(boolean conditional, boolean weighted) {
        Layout(int variant) {
            this((variant & 1) != 0, (variant & 2) != 0);
        }

        int count() {
            return 3 + (conditional ? 1 : 0) + (weighted ? 1 : 0);
        }

        ModelInput input(List<Tensor> args) {
            return new ModelInput(args.get(0), args.get(1), conditional ? args.get(2) : null);
        }

        Tensor target(List<Tensor> args) {
            return args.get(conditional ? 3 : 2);
        }

        Tensor weights(List<Tensor> args) {
            return weighted ? args.get(count() - 1) : null;
        }
    }

    /**
     * The eager step of a backend with a native Adam kernel: the kernel updates the weights and
     * moments in the store in place, at this model's current learning rate and step.
     */
    private CompiledFunction compileFusedStep(int variant) {
        FusedAdam kernel = fused.orElseThrow();
        Layout layout = new Layout(variant);
        int from = layout.count();
        return backend().compile(label(network()) + "_train_step", FunctionKind.TRAIN_STEP, from, args -> {
            List<Tensor> weights = args.subList(from, from + params.size());
            ValueAndGradients vg = backend().valueAndGradients(ps -> loss(layout, args, from, ps), weights);
            Adam.fusedStep(kernel, optimizer, learningRate, stepsTaken + 1, weights, vg.gradients(), firstMoments,
                    secondMoments);
            return List.of(vg.value());
        });
    }

    /**
     * The traceable step: loss, gradients and the op-set Adam update, returning the loss and the new
     * weights and moments. Arguments: the batch, {@link Adam#scalars}, weights, buffers, {@code m},
     * {@code v}.
     */
    private CompiledFunction compileGraphStep(int variant) {
        Layout layout = new Layout(variant);
        int n = params.size();
        int count = layout.count();
        int from = count + 3;
        int stateFrom = from + weightCount();
        return backend().compile(label(network()) + "_train_step", FunctionKind.TRAIN_STEP, count, args -> {
            List<Tensor> weights = args.subList(from, from + n);
            ValueAndGradients vg = backend().valueAndGradients(ps -> loss(layout, args, from, ps), weights);
            Adam.Update u = Adam.update(optimizer, weights, vg.gradients(), args.subList(stateFrom, stateFrom + n),
                    args.subList(stateFrom + n, stateFrom + 2 * n), args.get(count), args.get(count + 1),
                    args.get(count + 2));
            List<Tensor> out = new ArrayList<>(1 + 3 * n);
            out.add(vg.value());
            out.addAll(u.params());
            out.addAll(u.firstMoments());
            out.addAll(u.secondMoments());
            return out;
        });
    }

    /**
     * The loss at weights {@code ps} (the gradient engine's leaves), with the buffers taken from the
     * function's arguments after the weights.
     */
    private Tensor loss(Layout layout, List<Tensor> args, int from, List<Tensor> ps) {
        List<Tensor> all = new ArrayList<>(ps);
        all.addAll(args.subList(from + ps.size(), from + weightCount()));
        Tensor v = network().forward(params(all, 0), layout.input(args));
        Tensor loss = CfmLoss.of(v, layout.target(args), layout.weights(args));
        v.close();
        return loss;
    }

    private List<Tensor> batchArgs(ModelInput input, Tensor target, Tensor sampleWeights) {
        int batch = ModelInputs.checkTraining(network().dim(), input.t(), input.x(), target);
        List<Tensor> out = new ArrayList<>(5);
        out.add(input.t());
        out.add(input.x());
        if (input.condition() != null) {
            requireCondition(input.condition(), batch);
            out.add(input.condition());
        }
        out.add(target);
        if (sampleWeights != null) {
            Shapes.require("sampleWeights", sampleWeights, batch);
            ModelInputs.requireFloat32("sampleWeights", sampleWeights);
            out.add(sampleWeights);
        }
        return out;
    }

    private void replace(List<Tensor> held, List<Tensor> fresh, boolean trainable) {
        for (int i = 0; i < held.size(); i++) {
            store.free(held.get(i));
            held.set(i, store.adopt(fresh.get(i), trainable));
        }
    }

    @Override
    public double loss(Tensor t, Tensor xt, Tensor dxt) {
        checkOpen();
        List<Tensor> batchArgs = batchArgs(ModelInput.of(t, xt), dxt, null);
        if (lossFunction == null) {
            Layout unweighted = new Layout(0);
            lossFunction = backend().compile(label(network()) + "_loss", FunctionKind.LOSS, 3,
                    args -> List.of(loss(unweighted, args, 3, args.subList(3, 3 + params.size()))));
        }
        List<Tensor> all = new ArrayList<>(batchArgs);
        all.addAll(args());
        try (Tensor value = lossFunction.call(all).get(0)) {
            return value.item();
        }
    }

    @Override
    public long stepsTaken() {
        return stepsTaken;
    }

    @Override
    public void setLearningRate(double rate) {
        this.learningRate = ModelInputs.learningRate(rate);
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public OptimizerState optimizerState() {
        checkOpen();
        float[][] m = new float[params.size()][];
        float[][] v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = firstMoments.get(i).toFloatArray();
            v[i] = secondMoments.get(i).toFloatArray();
        }
        return OptimizerState.of(spec(), stepsTaken, learningRate, m, v);
    }

    @Override
    public void restoreOptimizerState(OptimizerState state) {
        Objects.requireNonNull(state, "state");
        checkOpen();
        state.requireMatches(spec());
        double rate = ModelInputs.learningRate(state.learningRate());
        List<ParamSpec> specs = network().parameters();
        for (int i = 0; i < specs.size(); i++) {
            int[] shape = specs.get(i).shape();
            Tensor m = store.create(state.firstMoment(i), false, shape);
            Tensor v = store.create(state.secondMoment(i), false, shape);
            store.free(firstMoments.set(i, m));
            store.free(secondMoments.set(i, v));
        }
        stepsTaken = state.steps();
        learningRate = rate;
    }

    @Override
    public String toString() {
        return super.toString() + ", " + optimizer.describe() + (average != null ? ", ema " + emaDecay : "");
    }
}

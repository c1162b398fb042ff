package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.ModelInputs;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.OptimizerState;
import org.fmjvm.api.model.VelocityModel;
import org.tensorflow.internal.c_api.TFE_TensorHandle;

/**
 * The velocity MLP of a {@link ModelSpec} on TensorFlow: the weights (and, when trainable, Adam's
 * moments) as native tensor handles owned by this object, and the {@link TfMlpGraph} functions of its
 * architecture, called with the current weights as arguments.
 *
 * <p>Every call validates its inputs in Java ({@link ModelInputs}), passes the caller's tensor
 * handles straight into the function (no copy), deletes every temporary handle before returning
 * and gives its result to the caller's current scope. A training step is one function call:
 * forward, loss, gradients and the Adam update run inside TensorFlow, and the new weights and
 * moments replace the old handles.
 *
 * <p>This is the backend's {@link VelocityModel}: {@code newModel} returns it as it is (without
 * optimizer state); a {@link TfTrainableModel} wraps one built with Adam's moments, adds the
 * training methods and forwards its inference calls to it. Shapes: {@code t [B, 1]},
 * {@code x [B, D]}, velocity {@code [B, D]}, divergences {@code [B]}; all float32.
 *
 * <p>Not thread-safe: a model is a single-threaded session.
 */
final class TfMlp implements VelocityModel {
    private final TfBackend backend;
    private final TfRuntime runtime;
    private final ModelSpec spec;
    private final OptimizerSpec optimizer;
    private final TfMlpGraph.Built forward;
    private final TfMlpGraph.Built lossFunction;
    private final TfMlpGraph.Built probe;
    private final TfMlpGraph.Built train;
    /** {@code W_0, b_0, W_1, b_1, ...}. */
    private final TFE_TensorHandle[] params;
    /** Adam's first and second moments, shaped like {@link #params}; null for inference models. */
    private final TFE_TensorHandle[] means;
    private final TFE_TensorHandle[] variances;
    private long steps;
    private double learningRate;
    private boolean closed;

    /**
     * @param backend the owning backend
     * @param spec the architecture
     * @param initial the weights (copied)
     * @param optimizer the optimizer, or null for an inference-only model
     * @throws org.fmjvm.api.error.ShapeMismatchException if the weights do not match the spec
     */
    TfMlp(TfBackend backend, ModelSpec spec, ModelWeights initial, OptimizerSpec optimizer) {
        this.backend = backend;
        this.runtime = backend.runtime();
        this.spec = Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(initial, "weights");
        initial.requireMatches(spec);
        this.optimizer = optimizer;
        TfFunctions functions = backend.functions();
        this.forward = functions.get(TfMlpGraph.Kind.FORWARD, spec, null);
        this.lossFunction = functions.get(TfMlpGraph.Kind.LOSS, spec, null);
        this.probe = functions.get(TfMlpGraph.Kind.PROBE, spec, null);
        this.train = optimizer == null ? null : functions.get(TfMlpGraph.Kind.TRAIN, spec, optimizer);
        this.learningRate = optimizer == null ? 0 : optimizer.learningRate();
        List<ModelWeights.Parameter> list = initial.parameters();
        this.params = new TFE_TensorHandle[list.size()];
        this.means = optimizer == null ? null : new TFE_TensorHandle[list.size()];
        this.variances = optimizer == null ? null : new TFE_TensorHandle[list.size()];
        try {
            for (int i = 0; i < list.size(); i++) {
                ModelWeights.Parameter p = list.get(i);
                params[i] = runtime.floats(p.values(), p.shape());
                if (optimizer != null) {
                    means[i] = runtime.floats(new float[p.size()], p.shape());
                    variances[i] = runtime.floats(new float[p.size()], p.shape());
                }
            }
        } catch (RuntimeException e) {
            freeState();
            throw e;
        }
        backend.modelOpened(this);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public TfBackend backend() {
        return backend;
    }

    OptimizerSpec optimizer() {
        return optimizer;
    }

    long steps() {
        return steps;
    }

    double learningRate() {
        return learningRate;
    }

    void learningRate(double rate) {
        this.learningRate = ModelInputs.learningRate(rate);
    }

    /**
     * @return the steps, rate and Adam's moments, copied to the host
     */
    OptimizerState optimizerState() {
        checkOpen();
        requireTrainable();
        List<ModelWeights.Parameter> shapes = spec.parameterShapes();
        float[][] m = new float[params.length][];
        float[][] v = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            int size = shapes.get(i).size();
            m[i] = runtime.readFloats(means[i], size);
            v[i] = runtime.readFloats(variances[i], size);
        }
        return OptimizerState.of(spec, steps, learningRate, m, v);
    }

    /**
     * Replaces Adam's moment handles with new ones holding {@code state}'s values, then the step
     * count and rate.
     *
     * @param state the state to continue from
     */
    void restoreOptimizerState(OptimizerState state) {
        Objects.requireNonNull(state, "state");
        checkOpen();
        requireTrainable();
        state.requireMatches(spec);
        double rate = ModelInputs.learningRate(state.learningRate());
        List<ModelWeights.Parameter> shapes = spec.parameterShapes();
        for (int i = 0; i < params.length; i++) {
            int[] shape = shapes.get(i).shape();
            TFE_TensorHandle m = runtime.floats(state.firstMoment(i), shape);
            TFE_TensorHandle v;
            try {
                v = runtime.floats(state.secondMoment(i), shape);
            } catch (RuntimeException e) {
                runtime.delete(m);
                throw e;
            }
            runtime.delete(means[i]);
            runtime.delete(variances[i]);
            means[i] = m;
            variances[i] = v;
        }
        steps = state.steps();
        learningRate = rate;
    }

    private void requireTrainable() {
        if (optimizer == null) {
            throw new IllegalStateException("this is an inference model: it has no optimizer state");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this model was closed");
        }
        backend.checkOpen();
    }

    // ---------------------------------------------------------------- the VelocityModel operations

    @Override
    public Tensor velocity(Tensor tIn, Tensor xIn) {
        TfTensor t = backend.unwrap(tIn, "t");
        TfTensor x = backend.unwrap(xIn, "x");
        checkOpen();
        ModelInputs.check(spec, t, x);
        TfScope scope = backend.currentScope();
        TFE_TensorHandle v = call(forward, t.handle(), x.handle())[0];
        return adopt(v, scope);
    }

    double loss(Tensor tIn, Tensor xIn, Tensor dxtIn) {
        TfTensor t = backend.unwrap(tIn, "t");
        TfTensor x = backend.unwrap(xIn, "xt");
        TfTensor dxt = backend.unwrap(dxtIn, "dxt");
        checkOpen();
        ModelInputs.checkTraining(spec, t, x, dxt);
        TFE_TensorHandle loss = call(lossFunction, t.handle(), x.handle(), dxt.handle())[0];
        try {
            return runtime.readFloats(loss, 1)[0];
        } finally {
            runtime.delete(loss);
        }
    }

    @Override
    public Tensor divergence(Tensor tIn, Tensor xIn) {
        TfTensor t = backend.unwrap(tIn, "t");
        TfTensor x = backend.unwrap(xIn, "x");
        checkOpen();
        ModelInputs.check(spec, t, x);
        TfScope scope = backend.currentScope();
        int dim = spec.dim();
        TFE_TensorHandle total = null;
        try {
            for (int i = 0; i < dim; i++) {
                // a basis probe [1, D] broadcasts over the batch: the estimate is exactly dv_i/dx_i
                float[] basis = new float[dim];
                basis[i] = 1;
                TFE_TensorHandle e = runtime.floats(basis, new int[] {1, dim});
                TFE_TensorHandle term;
                try {
                    term = call(probe, t.handle(), x.handle(), e)[0];
                } finally {
                    runtime.delete(e);
                }
                if (total == null) {
                    total = term;
                } else {
                    TFE_TensorHandle sum;
                    try (TfRuntime.EagerCall add = runtime.op("AddV2")) {
                        sum = add.input(total).input(term).type("T", DType.FLOAT32).execute1();
                    } finally {
                        runtime.delete(term);
                    }
                    runtime.delete(total);
                    total = sum;
                }
            }
            TFE_TensorHandle result = total;
            total = null;
            return adopt(result, scope);
        } finally {
            runtime.delete(total);
        }
    }

    @Override
    public Tensor divergenceEstimate(Tensor tIn, Tensor xIn, Tensor probeIn) {
        TfTensor t = backend.unwrap(tIn, "t");
        TfTensor x = backend.unwrap(xIn, "x");
        TfTensor e = backend.unwrap(probeIn, "probe");
        checkOpen();
        ModelInputs.checkProbe(spec, t, x, e);
        TfScope scope = backend.currentScope();
        TFE_TensorHandle estimate = call(probe, t.handle(), x.handle(), e.handle())[0];
        return adopt(estimate, scope);
    }

    /**
     * One Adam step on {@code mean_b sum_d (v - dxt)^2}.
     *
     * @return the loss before the update
     */
    double trainStep(Tensor tIn, Tensor xtIn, Tensor dxtIn) {
        TfTensor t = backend.unwrap(tIn, "t");
        TfTensor xt = backend.unwrap(xtIn, "xt");
        TfTensor dxt = backend.unwrap(dxtIn, "dxt");
        checkOpen();
        ModelInputs.checkTraining(spec, t, xt, dxt);
        long step = steps + 1;
        double bc1 = 1 - Math.pow(optimizer.beta1(), step);
        double bc2 = 1 - Math.pow(optimizer.beta2(), step);
        int p = params.length;
        TFE_TensorHandle[] in = new TFE_TensorHandle[6 + 3 * p];
        in[0] = t.handle();
        in[1] = xt.handle();
        in[2] = dxt.handle();
        TFE_TensorHandle stepSize = runtime.scalar(DType.FLOAT32, learningRate / bc1);
        TFE_TensorHandle sqrtBc2 = runtime.scalar(DType.FLOAT32, Math.sqrt(bc2));
        TFE_TensorHandle decay = runtime.scalar(DType.FLOAT32, 1 - learningRate * optimizer.weightDecay());
        TFE_TensorHandle[] out;
        try {
            in[3] = stepSize;
            in[4] = sqrtBc2;
            in[5] = decay;
            System.arraycopy(params, 0, in, 6, p);
            System.arraycopy(means, 0, in, 6 + p, p);
            System.arraycopy(variances, 0, in, 6 + 2 * p, p);
            out = runtime.callFunction(train.name(), train.outputs(), in);
        } finally {
            runtime.delete(stepSize);
            runtime.delete(sqrtBc2);
            runtime.delete(decay);
        }
        for (int i = 0; i < p; i++) {
            runtime.delete(params[i]);
            runtime.delete(means[i]);
            runtime.delete(variances[i]);
            params[i] = out[1 + i];
            means[i] = out[1 + p + i];
            variances[i] = out[1 + 2 * p + i];
        }
        steps = step;
        try {
            return runtime.readFloats(out[0], 1)[0];
        } finally {
            runtime.delete(out[0]);
        }
    }

    @Override
    public ModelWeights weights() {
        checkOpen();
        List<ModelWeights.Parameter> out = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            int[] ws = spec.weightShape(l);
            out.add(new ModelWeights.Parameter(ModelSpec.weightName(l), ws, runtime.readFloats(params[2 * l],
                    ws[0] * ws[1])));
            out.add(new ModelWeights.Parameter(ModelSpec.biasName(l), new int[] {ws[0]},
                    runtime.readFloats(params[2 * l + 1], ws[0])));
        }
        return new ModelWeights(out);
    }

    // ---------------------------------------------------------------- helpers

    /** Calls a function with {@code inputs} followed by the weights. */
    private TFE_TensorHandle[] call(TfMlpGraph.Built function, TFE_TensorHandle... inputs) {
        TFE_TensorHandle[] all = new TFE_TensorHandle[inputs.length + params.length];
        System.arraycopy(inputs, 0, all, 0, inputs.length);
        System.arraycopy(params, 0, all, inputs.length, params.length);
        return runtime.callFunction(function.name(), function.outputs(), all);
    }

    private Tensor adopt(TFE_TensorHandle handle, TfScope scope) {
        try {
            return backend.adopt(handle, scope);
        } catch (RuntimeException e) {
            runtime.delete(handle);
            throw e;
        }
    }

    private void freeState() {
        for (TFE_TensorHandle[] group : new TFE_TensorHandle[][] {params, means, variances}) {
            if (group != null) {
                for (int i = 0; i < group.length; i++) {
                    runtime.delete(group[i]);
                    group[i] = null;
                }
            }
        }
    }

    /** Frees the weights and optimizer state. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!runtime.isClosed()) {
                freeState();
            }
            backend.modelClosed(this);
        }
    }

    @Override
    public String toString() {
        return "tf " + spec.describe();
    }
}

package org.fmjvm.backend.djl;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.model.ModelInputs;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.VelocityModel;

/**
 * The velocity MLP of a {@link ModelSpec} on libtorch, without DJL's Block/Trainer: weights are raw
 * arrays ({@code W [out, in]}, {@code b [out]}) in a model-owned manager, each layer one fused
 * {@code addmm} ({@code JniUtils.linear}: {@code x W^T + b}).
 *
 * <p>Forward pass, as {@link ModelSpec} documents: input {@code concat(x, t)} (raw) or
 * {@code concat(x, t, sin(omega_k t)..., cos(omega_k t)...)} (sinusoidal, {@code omega_k = pi 2^k}),
 * hidden layers followed by the activation, a linear output layer. SiLU is {@code z * sigmoid(z)};
 * inference computes it in place into the sigmoid's buffer (fewer allocations), training out of
 * place (autograd saves the sigmoid's output).
 *
 * <p>Every call validates its inputs in Java ({@link ModelInputs}), runs in a temporary manager
 * that is closed before returning, and hands its result to the caller's current scope. Inference
 * evaluates the whole batch at once: at 10,000 rows, row chunks of 2,048 measured within a few
 * percent of it (about 3% faster on 1 thread, 2.5% slower on 2), not worth the extra code.
 * Gradient work (training, divergences) runs in a {@link GradientSections} section.
 *
 * <p>This is the backend's {@link VelocityModel}: {@code newModel} returns it as it is (weights
 * that record no gradients); a {@link DjlTrainableModel} adds Adam to one whose weights record
 * gradients and forwards its inference calls to it. Shapes: {@code t [B, 1]}, {@code x [B, D]},
 * velocity {@code [B, D]}, divergences {@code [B]}.
 *
 * <p>Not thread-safe: a model is a single-threaded session.
 */
final class DjlMlp implements VelocityModel {
    private final DjlBackend backend;
    private final ModelSpec spec;
    private final PtNDManager manager;
    private final PtNDArray[] weights;
    private final PtNDArray[] biases;
    /** Angular frequencies {@code pi 2^k} as a {@code [1, F]} row, or null for the raw embedding. */
    private final PtNDArray omegas;
    private final boolean trainable;
    private boolean closed;

    DjlMlp(DjlBackend backend, ModelSpec spec, ModelWeights initial, boolean trainable) {
        this.backend = backend;
        this.spec = Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(initial, "weights");
        initial.requireMatches(spec);
        this.trainable = trainable;
        int layers = spec.layers();
        this.weights = new PtNDArray[layers];
        this.biases = new PtNDArray[layers];
        this.manager = backend.newChildManager();
        manager.setName("fm-djl-model");
        try {
            NativeThreads.use(backend.governor().lightThreads());
            for (int l = 0; l < layers; l++) {
                weights[l] = parameter(initial.get(ModelSpec.weightName(l)));
                biases[l] = parameter(initial.get(ModelSpec.biasName(l)));
            }
            if (spec.timeEmbedding() instanceof TimeEmbedding.Sinusoidal s) {
                float[] w = new float[s.frequencies()];
                for (int k = 0; k < w.length; k++) {
                    w[k] = (float) s.omega(k);
                }
                omegas = manager.create(FloatBuffer.wrap(w), new Shape(1, w.length), DataType.FLOAT32);
            } else {
                omegas = null;
            }
        } catch (EngineException e) {
            manager.close();
            throw backend.nativeFailure("newModel", e);
        }
    }

    private PtNDArray parameter(ModelWeights.Parameter p) {
        PtNDArray a = manager.create(FloatBuffer.wrap(p.values()), DjlBackend.toShape(p.shape()),
                DataType.FLOAT32);
        if (trainable) {
            a.setRequiresGradient(true);
        }
        return a;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public DjlBackend backend() {
        return backend;
    }

    /** @return the parameters in the order of {@link ModelSpec#parameterShapes()} */
    PtNDArray[] parameters() {
        PtNDArray[] out = new PtNDArray[2 * weights.length];
        for (int l = 0; l < weights.length; l++) {
            out[2 * l] = weights[l];
            out[2 * l + 1] = biases[l];
        }
        return out;
    }

    PtNDManager manager() {
        return manager;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this model was closed");
        }
        backend.checkOpen();
    }

    /** A manager for one call's temporaries. */
    PtNDManager temporary() {
        return (PtNDManager) manager.newSubManager();
    }

    // ---------------------------------------------------------------- forward

    /**
     * @param t times {@code [B, 1]}
     * @param x points {@code [B, D]}
     * @param tmp where temporaries go
     * @param training out-of-place activations (autograd-safe) instead of in-place ones
     * @return the velocity {@code [B, D]}, in {@code tmp}
     */
    PtNDArray forward(PtNDArray t, PtNDArray x, PtNDManager tmp, boolean training) {
        PtNDArray h = input(t, x, tmp);
        int last = weights.length - 1;
        for (int l = 0; l <= last; l++) {
            PtNDArray z = own(JniUtils.linear(h, weights[l], biases[l]), tmp);
            if (!training) {
                h.close();
            }
            if (l == last) {
                return z;
            }
            h = own(activate(z, training), tmp);
            if (!training) {
                z.close();
            }
        }
        throw new AssertionError("unreachable");
    }

    private PtNDArray input(PtNDArray t, PtNDArray x, PtNDManager tmp) {
        if (omegas == null) {
            return own(JniUtils.cat(new PtNDArray[] {x, t}, 1), tmp);
        }
        PtNDArray angles = own(JniUtils.mul(t, omegas), tmp);
        PtNDArray sin = own(JniUtils.sin(angles), tmp);
        PtNDArray cos = own(JniUtils.cos(angles), tmp);
        PtNDArray in = own(JniUtils.cat(new PtNDArray[] {x, t, sin, cos}, 1), tmp);
        angles.close();
        sin.close();
        cos.close();
        return in;
    }

    private PtNDArray activate(PtNDArray z, boolean training) {
        switch (spec.activation()) {
            case SILU:
                if (training) {
                    return JniUtils.mul(z, JniUtils.sigmoid(z));
                } else {
                    PtNDArray s = JniUtils.sigmoid(z);
                    JniUtils.muli(s, z);
                    return s;
                }
            case RELU:
                return JniUtils.relu(z);
            case TANH:
                return JniUtils.tanh(z);
            case SOFTPLUS:
                return JniUtils.softPlus(z);
            default:
                throw new IllegalStateException("djl: activation " + spec.activation() + " is not implemented");
        }
    }

    static PtNDArray own(PtNDArray array, PtNDManager manager) {
        if (array.getManager() != manager) {
            array.attach(manager);
        }
        return array;
    }

    /**
     * {@code mean_b sum_d (v - dxt)^2} as a 0-d array in {@code v}'s manager. The final mean is a
     * full reduction that libtorch would split between threads above 32,768 rows (changing the
     * summation order), so it runs on one thread and the value does not depend on the thread count.
     *
     * @param threads the calling thread's native thread count, restored afterwards
     */
    static PtNDArray lossOf(PtNDArray v, PtNDArray dxt, int threads) {
        PtNDArray diff = JniUtils.sub(v, dxt);
        PtNDArray sq = JniUtils.square(diff);
        PtNDArray perRow = JniUtils.sum(sq, new long[] {1}, false);
        NativeThreads.use(1);
        PtNDArray loss = JniUtils.mean(perRow);
        NativeThreads.use(threads);
        return loss;
    }

    // ---------------------------------------------------------------- the VelocityModel operations

    @Override
    public Tensor velocity(Tensor tIn, Tensor xIn) {
        DjlTensor t = backend.unwrap(tIn, "t");
        DjlTensor x = backend.unwrap(xIn, "x");
        checkOpen();
        int batch = ModelInputs.check(spec, t, x);
        DjlScope scope = backend.currentScope();
        try (ThreadGovernor.Call call = backend.governor().begin(ThreadGovernor.Workload.FORWARD, batch);
                PtNDManager tmp = temporary()) {
            NativeThreads.use(call.threads());
            NativeThreads.noGrad();
            PtNDArray v = forward(t.array(), x.array(), tmp, false);
            return backend.adopt(v, scope);
        } catch (EngineException e) {
            throw backend.nativeFailure("velocity", e);
        }
    }

    double loss(Tensor tIn, Tensor xIn, Tensor dxtIn) {
        DjlTensor t = backend.unwrap(tIn, "t");
        DjlTensor x = backend.unwrap(xIn, "xt");
        DjlTensor dxt = backend.unwrap(dxtIn, "dxt");
        checkOpen();
        int batch = ModelInputs.checkTraining(spec, t, x, dxt);
        try (ThreadGovernor.Call call = backend.governor().begin(ThreadGovernor.Workload.LOSS, batch);
                PtNDManager tmp = temporary()) {
            NativeThreads.use(call.threads());
            NativeThreads.noGrad();
            PtNDArray v = forward(t.array(), x.array(), tmp, false);
            return lossOf(v, dxt.array(), call.threads()).toFloatArray()[0];
        } catch (EngineException e) {
            throw backend.nativeFailure("loss", e);
        }
    }

    @Override
    public Tensor divergence(Tensor tIn, Tensor xIn) {
        DjlTensor t = backend.unwrap(tIn, "t");
        DjlTensor x = backend.unwrap(xIn, "x");
        checkOpen();
        int batch = ModelInputs.check(spec, t, x);
        DjlScope scope = backend.currentScope();
        int dim = spec.dim();
        try (ThreadGovernor.Call call = backend.governor().begin(ThreadGovernor.Workload.DIVERGENCE, batch);
                PtNDManager tmp = temporary()) {
            NativeThreads.use(call.threads());
            PtNDArray div = null;
            for (int i = 0; i < dim; i++) {
                // a fresh leaf per pass: gradients accumulate into a reused input
                PtNDArray xi = own((PtNDArray) x.array().duplicate(), tmp);
                xi.setRequiresGradient(true);
                int col = i;
                GradientSections.run(backend.engine(), collector -> {
                    PtNDArray v = forward(t.array(), xi, tmp, true);
                    PtNDArray vi = JniUtils.sum(JniUtils.slice(v, 1, col, col + 1, 1));
                    collector.backward(vi);
                    return null;
                });
                PtNDArray grad = own(xi.getGradient(), tmp);
                PtNDArray term = JniUtils.reshape(JniUtils.slice(grad, 1, col, col + 1, 1), new long[] {batch});
                div = div == null ? term : JniUtils.add(div, term);
            }
            zeroParameterGradients();
            return backend.adopt(div, scope);
        } catch (EngineException e) {
            throw backend.nativeFailure("divergence", e);
        }
    }

    @Override
    public Tensor divergenceEstimate(Tensor tIn, Tensor xIn, Tensor probeIn) {
        DjlTensor t = backend.unwrap(tIn, "t");
        DjlTensor x = backend.unwrap(xIn, "x");
        DjlTensor probe = backend.unwrap(probeIn, "probe");
        checkOpen();
        int batch = ModelInputs.checkProbe(spec, t, x, probe);
        DjlScope scope = backend.currentScope();
        try (ThreadGovernor.Call call = backend.governor().begin(ThreadGovernor.Workload.DIVERGENCE_ESTIMATE, batch);
                PtNDManager tmp = temporary()) {
            NativeThreads.use(call.threads());
            PtNDArray xi = own((PtNDArray) x.array().duplicate(), tmp);
            xi.setRequiresGradient(true);
            GradientSections.run(backend.engine(), collector -> {
                PtNDArray v = forward(t.array(), xi, tmp, true);
                collector.backward(JniUtils.sum(JniUtils.mul(v, probe.array())));
                return null;
            });
            PtNDArray grad = own(xi.getGradient(), tmp);
            PtNDArray estimate = JniUtils.sum(JniUtils.mul(grad, probe.array()), new long[] {1}, false);
            zeroParameterGradients();
            return backend.adopt(estimate, scope);
        } catch (EngineException e) {
            throw backend.nativeFailure("divergenceEstimate", e);
        }
    }

    /** Backward passes for divergences also reach trainable weights; clear what they left. */
    private void zeroParameterGradients() {
        if (trainable) {
            for (PtNDArray p : parameters()) {
                JniUtils.zeroGrad(p);
            }
        }
    }

    @Override
    public ModelWeights weights() {
        checkOpen();
        List<ModelWeights.Parameter> out = new ArrayList<>();
        try {
            for (int l = 0; l < weights.length; l++) {
                int[] ws = spec.weightShape(l);
                out.add(new ModelWeights.Parameter(ModelSpec.weightName(l), ws, weights[l].toFloatArray()));
                out.add(new ModelWeights.Parameter(ModelSpec.biasName(l), new int[] {ws[0]}, biases[l].toFloatArray()));
            }
        } catch (EngineException e) {
            throw backend.nativeFailure("weights", e);
        }
        return new ModelWeights(out);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    @Override
    public String toString() {
        return "djl " + spec.describe();
    }
}

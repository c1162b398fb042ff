package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.error.BackendException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.types.TFloat32;

/**
 * Builds the MLP of a {@link ModelSpec} as TensorFlow functions, with TF Java's graph API: one
 * {@link Graph} per function, gradients by {@link Graph#addGradients}, turned into a
 * {@code FunctionDef} by {@link ConcreteFunction}. The weights are function arguments, not graph
 * variables: every call passes the current weight tensors in and a training step returns the new
 * ones, so the model's state stays in Java-owned handles and inference can never disturb training.
 *
 * <p>The network, exactly as {@link ModelSpec} documents it (all float32, {@code B} rows,
 * {@code D = spec.dim()}): input {@code concat(x, t)} (raw) or
 * {@code concat(x, t, sin(t omega_0), ..., cos(t omega_0), ...)} with {@code omega_k = pi 2^k}
 * (sinusoidal); each layer {@code z = h W^T + b} with {@code W [out, in]} (PyTorch's layout, a
 * {@code MatMul} with {@code transpose_b}) and {@code b [out]}; the activation after every hidden
 * layer, SiLU written as {@code z * sigmoid(z)}; a linear output layer.
 *
 * <p>The functions and their arguments ({@code P = 2 * spec.layers()} parameters in the order of
 * {@link ModelSpec#parameterShapes()}):
 * <ul>
 *   <li>{@link Kind#FORWARD}: {@code t [B,1], x [B,D], params} -> {@code v [B,D]};
 *   <li>{@link Kind#LOSS}: {@code t, x, dxt [B,D], params} -> {@code mean_b sum_d (v - dxt)^2}, a scalar;
 *   <li>{@link Kind#PROBE}: {@code t, x, probe [B,D] or [1,D], params} ->
 *       {@code sum_d (J^T probe)_d probe_d} per row {@code [B]} (one backward pass through the network
 *       to {@code x}): Hutchinson's estimate, and with a basis probe {@code e_i} exactly
 *       {@code dv_i/dx_i};
 *   <li>{@link Kind#TRAIN}: {@code t, x, dxt, stepSize, sqrtBc2, decay, params, m (P), v (P)} ->
 *       {@code loss, params', m', v'}: the loss, its gradients, then Adam with {@link OptimizerSpec}'s
 *       semantics (PyTorch's): global-norm clipping {@code g *= min(1, maxNorm / (||g|| + 1e-6))};
 *       L2 decay {@code g += wd w} or decoupled {@code w *= decay} ({@code decay = 1 - lr wd});
 *       {@code m' = b1 m + (1-b1) g}, {@code v' = b2 v + (1-b2) g^2},
 *       {@code w' = w - stepSize m' / (sqrt(v') / sqrtBc2 + eps)} with {@code stepSize = lr / (1 - b1^t)}
 *       and {@code sqrtBc2 = sqrt(1 - b2^t)}. The learning rate and the bias corrections are
 *       arguments, so a new rate takes effect at the next step; betas, epsilon, decay and clipping
 *       norm are constants of the function.
 * </ul>
 *
 * <p>Stateless; building is thread-safe.
 */
final class TfMlpGraph {

    /** The functions a model needs. */
    enum Kind {
        /** The velocity. */
        FORWARD,
        /** The training loss. */
        LOSS,
        /** One input-gradient probe: Hutchinson's estimate or one diagonal Jacobian entry. */
        PROBE,
        /** Loss, gradients and the Adam update. */
        TRAIN
    }

    /**
     * A built function.
     *
     * @param name the function's name in the eager context
     * @param definition the serialized {@code FunctionDef}
     * @param inputs how many arguments it takes
     * @param outputs how many results it returns
     */
    record Built(String name, byte[] definition, int inputs, int outputs) {
    }

    private TfMlpGraph() {
    }

    /**
     * @param kind which function
     * @param spec the architecture
     * @param optimizer the optimizer (its learning rate is ignored); required for {@link Kind#TRAIN}
     * @return the function
     */
    static Built build(Kind kind, ModelSpec spec, OptimizerSpec optimizer) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Signature.Builder sig = Signature.builder().key("fm_" + kind.name().toLowerCase(java.util.Locale.ROOT));
            List<String> inputNames = new ArrayList<>();
            List<String> outputNames = new ArrayList<>();
            int d = spec.dim();
            Operand<TFloat32> t = input(tf, sig, inputNames, "t", Shape.of(-1, 1));
            Operand<TFloat32> x = input(tf, sig, inputNames, "x", Shape.of(-1, d));
            Operand<TFloat32> dxt = null;
            Operand<TFloat32> probe = null;
            Operand<TFloat32> stepSize = null;
            Operand<TFloat32> sqrtBc2 = null;
            Operand<TFloat32> decay = null;
            if (kind == Kind.LOSS || kind == Kind.TRAIN) {
                dxt = input(tf, sig, inputNames, "dxt", Shape.of(-1, d));
            }
            if (kind == Kind.PROBE) {
                probe = input(tf, sig, inputNames, "probe", Shape.of(-1, d));
            }
            if (kind == Kind.TRAIN) {
                stepSize = input(tf, sig, inputNames, "step_size", Shape.scalar());
                sqrtBc2 = input(tf, sig, inputNames, "sqrt_bc2", Shape.scalar());
                decay = input(tf, sig, inputNames, "decay", Shape.scalar());
            }
            List<Operand<TFloat32>> params = new ArrayList<>();
            for (int l = 0; l < spec.layers(); l++) {
                int[] ws = spec.weightShape(l);
                params.add(input(tf, sig, inputNames, "w" + l, Shape.of(ws[0], ws[1])));
                params.add(input(tf, sig, inputNames, "b" + l, Shape.of(ws[0])));
            }
            Operand<TFloat32> v = forward(tf, spec, t, x, params);
            switch (kind) {
                case FORWARD:
                    output(tf, sig, outputNames, "v", v);
                    break;
                case LOSS:
                    output(tf, sig, outputNames, "loss", loss(tf, v, dxt));
                    break;
                case PROBE: {
                    Operand<TFloat32> s = tf.reduceSum(tf.math.mul(v, probe), tf.constant(new int[] {0, 1}));
                    Output<?>[] grad = g.addGradients(s.asOutput(), new Output<?>[] {x.asOutput()});
                    Operand<TFloat32> gx = grad[0].expect(TFloat32.class);
                    output(tf, sig, outputNames, "estimate", tf.reduceSum(tf.math.mul(gx, probe), tf.constant(1)));
                    break;
                }
                case TRAIN: {
                    List<Operand<TFloat32>> ms = new ArrayList<>();
                    List<Operand<TFloat32>> vs = new ArrayList<>();
                    for (int i = 0; i < params.size(); i++) {
                        ms.add(input(tf, sig, inputNames, "m" + i, params.get(i).shape()));
                    }
                    for (int i = 0; i < params.size(); i++) {
                        vs.add(input(tf, sig, inputNames, "v" + i, params.get(i).shape()));
                    }
                    Operand<TFloat32> loss = loss(tf, v, dxt);
                    output(tf, sig, outputNames, "loss", loss);
                    adam(tf, g, sig, outputNames, optimizer, loss, params, ms, vs, stepSize, sqrtBc2, decay);
                    break;
                }
                default:
                    throw new IllegalStateException("unknown function kind " + kind);
            }
            try (ConcreteFunction f = ConcreteFunction.create(sig.build(), g)) {
                FunctionDef def = f.getFunctionDef();
                requireArgs(kind, "input", inputNames, def.getSignature().getInputArgList());
                requireArgs(kind, "output", outputNames, def.getSignature().getOutputArgList());
                return new Built(f.getDefinedName(), def.toByteArray(), inputNames.size(), outputNames.size());
            }
        } catch (TensorFlowException | IllegalArgumentException | IllegalStateException
                | UnsupportedOperationException e) {
            throw new BackendException("tf: could not build the " + kind + " function of " + spec.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Operand<TFloat32> input(Ops tf, Signature.Builder sig, List<String> names, String name,
            Shape shape) {
        Placeholder<TFloat32> p = tf.withName(name).placeholder(TFloat32.class, Placeholder.shape(shape));
        sig.input(name, p);
        names.add(name);
        return p;
    }

    private static void output(Ops tf, Signature.Builder sig, List<String> names, String name,
            Operand<TFloat32> value) {
        sig.output(name, tf.withName(name).identity(value));
        names.add(name);
    }

    /** The function's arguments must come in the order the model passes them. */
    private static void requireArgs(Kind kind, String what, List<String> want, List<OpDef.ArgDef> got) {
        List<String> names = got.stream().map(OpDef.ArgDef::getName).toList();
        if (!names.equals(want)) {
            throw new BackendException("tf: the " + kind + " function's " + what + " arguments are " + names
                    + ", expected " + want);
        }
    }

    private static Operand<TFloat32> forward(Ops tf, ModelSpec spec, Operand<TFloat32> t, Operand<TFloat32> x,
            List<Operand<TFloat32>> params) {
        Operand<TFloat32> h;
        if (spec.timeEmbedding() instanceof TimeEmbedding.Sinusoidal s) {
            float[][] omegas = new float[1][s.frequencies()];
            for (int k = 0; k < s.frequencies(); k++) {
                omegas[0][k] = (float) s.omega(k);
            }
            Operand<TFloat32> angles = tf.math.mul(t, tf.constant(omegas));
            h = tf.concat(List.of(x, t, tf.math.sin(angles), tf.math.cos(angles)), tf.constant(1));
        } else {
            h = tf.concat(List.of(x, t), tf.constant(1));
        }
        int last = spec.layers() - 1;
        for (int l = 0; l <= last; l++) {
            Operand<TFloat32> z = tf.nn.biasAdd(tf.linalg.matMul(h, params.get(2 * l), MatMul.transposeB(true)),
                    params.get(2 * l + 1));
            h = l == last ? z : activate(tf, spec, z);
        }
        return h;
    }

    private static Operand<TFloat32> activate(Ops tf, ModelSpec spec, Operand<TFloat32> z) {
        switch (spec.activation()) {
            case SILU:
                return tf.math.mul(z, tf.math.sigmoid(z));
            case RELU:
                return tf.nn.relu(z);
            case TANH:
                return tf.math.tanh(z);
            case SOFTPLUS:
                return tf.math.softplus(z);
            default:
                throw new IllegalStateException("tf: activation " + spec.activation() + " is not implemented");
        }
    }

    /** {@code mean_b sum_d (v - dxt)^2}, a scalar. */
    private static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> v, Operand<TFloat32> dxt) {
        Operand<TFloat32> perRow = tf.reduceSum(tf.math.square(tf.math.sub(v, dxt)), tf.constant(1));
        return tf.math.mean(perRow, tf.constant(0));
    }

    private static void adam(Ops tf, Graph g, Signature.Builder sig, List<String> outputNames, OptimizerSpec spec,
            Operand<TFloat32> loss, List<Operand<TFloat32>> params, List<Operand<TFloat32>> ms,
            List<Operand<TFloat32>> vs, Operand<TFloat32> stepSize, Operand<TFloat32> sqrtBc2,
            Operand<TFloat32> decay) {
        Output<?>[] wrt = params.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
        Output<?>[] raw = g.addGradients(loss.asOutput(), wrt);
        List<Operand<TFloat32>> grads = new ArrayList<>();
        for (Output<?> o : raw) {
            grads.add(o.expect(TFloat32.class));
        }
        if (spec.clipsGradients()) {
            List<Operand<TFloat32>> squares = new ArrayList<>();
            for (Operand<TFloat32> gr : grads) {
                squares.add(tf.reduceSum(tf.math.square(gr), tf.constant(allAxes(gr))));
            }
            Operand<TFloat32> norm = tf.math.sqrt(tf.math.addN(squares));
            Operand<TFloat32> scale = tf.math.minimum(tf.constant(1f),
                    tf.math.div(tf.constant((float) spec.maxGradNorm()), tf.math.add(norm, tf.constant(1e-6f))));
            grads.replaceAll(gr -> tf.math.mul(gr, scale));
        }
        boolean decoupled = spec.decoupledWeightDecay() && spec.weightDecay() > 0;
        boolean l2 = !spec.decoupledWeightDecay() && spec.weightDecay() > 0;
        Operand<TFloat32> b1 = tf.constant((float) spec.beta1());
        Operand<TFloat32> oneMinusB1 = tf.constant((float) (1 - spec.beta1()));
        Operand<TFloat32> b2 = tf.constant((float) spec.beta2());
        Operand<TFloat32> oneMinusB2 = tf.constant((float) (1 - spec.beta2()));
        Operand<TFloat32> eps = tf.constant((float) spec.epsilon());
        Operand<TFloat32> wd = tf.constant((float) spec.weightDecay());
        List<Operand<TFloat32>> newParams = new ArrayList<>();
        List<Operand<TFloat32>> newMs = new ArrayList<>();
        List<Operand<TFloat32>> newVs = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Operand<TFloat32> w = params.get(i);
            Operand<TFloat32> gr = grads.get(i);
            if (l2) {
                gr = tf.math.add(gr, tf.math.mul(wd, w));
            }
            Operand<TFloat32> m = tf.math.add(tf.math.mul(b1, ms.get(i)), tf.math.mul(oneMinusB1, gr));
            Operand<TFloat32> v = tf.math.add(tf.math.mul(b2, vs.get(i)), tf.math.mul(oneMinusB2, tf.math.square(gr)));
            Operand<TFloat32> denom = tf.math.add(tf.math.div(tf.math.sqrt(v), sqrtBc2), eps);
            Operand<TFloat32> base = decoupled ? tf.math.mul(w, decay) : w;
            newParams.add(tf.math.sub(base, tf.math.mul(stepSize, tf.math.div(m, denom))));
            newMs.add(m);
            newVs.add(v);
        }
        for (int i = 0; i < params.size(); i++) {
            output(tf, sig, outputNames, "new_p" + i, newParams.get(i));
        }
        for (int i = 0; i < params.size(); i++) {
            output(tf, sig, outputNames, "new_m" + i, newMs.get(i));
        }
        for (int i = 0; i < params.size(); i++) {
            output(tf, sig, outputNames, "new_v" + i, newVs.get(i));
        }
    }

    private static int[] allAxes(Operand<?> o) {
        int rank = o.shape().numDimensions();
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = i;
        }
        return axes;
    }
}

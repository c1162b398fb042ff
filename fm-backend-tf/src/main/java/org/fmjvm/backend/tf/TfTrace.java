package org.fmjvm.backend.tf;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.backend.TensorChecks;
import org.fmjvm.api.error.BackendException;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.Signature;
import org.tensorflow.internal.c_api.TF_Operation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * One function being traced on one thread: a TF Java {@link Graph} (with {@code Ops tf} on it) that
 * every {@link org.fmjvm.api.Tensor} operation of the thread adds to while the trace is the
 * thread's active trace ({@link TfBackend#activeTrace()}). The function's arguments are
 * placeholders ({@link #argument}); its values are {@link TfSymbol}s.
 *
 * <p><b>Captures.</b> An eager {@link TfTensor} used by a traced operation (a weight the function
 * closes over, a store tensor) is not baked into the graph: it becomes one more placeholder
 * ({@link #capture}), and every call of the finished function passes the tensor's current handle,
 * as {@code tf.function} captures by reference. A captured tensor must therefore still be open when
 * the function is called; the call says so otherwise. Tensors made while tracing
 * ({@code backend.fromArray}, {@code full}, {@code randn}) are graph constants instead: random
 * draws made inside a traced function are the same at every call, so draw noise outside and pass it
 * as an argument.
 *
 * <p><b>Emitting.</b> As the {@link TfEmitter} of its symbols, it adds each operation to the graph
 * with {@code OperationBuilder}s from the graph's scope, as TF Java's generated {@code Ops} classes
 * do, so a symbolic operation has the op type and attributes of its eager twin.
 *
 * <p>{@link #finish} turns the graph into a {@code FunctionDef} ({@link ConcreteFunction}) whose
 * inputs are the arguments, then the captures, in order; every result is an {@code Identity}, so a
 * function may return one of its arguments. Confined to the tracing thread.
 */
final class TfTrace implements TfEmitter<Output<?>>, AutoCloseable {
    private final TfBackend backend;
    private final String name;
    private final Graph graph;
    private final Ops tf;
    private final List<Operand<?>> arguments = new ArrayList<>();
    private final Map<TfTensor, TfSymbol> captured = new IdentityHashMap<>();
    private final List<TfTensor> captures = new ArrayList<>();
    private final List<Operand<?>> captureInputs = new ArrayList<>();
    private boolean active = true;

    /**
     * @param backend the backend whose operations are traced
     * @param name the function's name, for messages
     */
    TfTrace(TfBackend backend, String name) {
        this.backend = backend;
        this.name = name;
        this.graph = new Graph();
        this.tf = Ops.create(graph);
    }

    TfBackend backend() {
        return backend;
    }

    /** @return the traced function's name, for messages */
    String name() {
        return name;
    }

    /** @return the graph operations, after checking that the trace is still running */
    Ops tf() {
        if (!active) {
            throw new IllegalStateException("the trace of '" + name + "' has ended");
        }
        return tf;
    }

    boolean isActive() {
        return active;
    }

    /**
     * @param dtype the element type
     * @param shape the static shape, {@code -1} for a length known only at call time
     * @return a new argument placeholder (the next input of the function)
     */
    TfSymbol argument(DType dtype, int[] shape) {
        Operand<?> p = placeholder("arg_" + arguments.size(), dtype, shape);
        arguments.add(p);
        return new TfSymbol(this, p);
    }

    /**
     * @param tensor a live eager tensor of this backend used by a traced operation
     * @return the placeholder standing for it (one per tensor), passed at every call
     */
    TfSymbol capture(TfTensor tensor) {
        tensor.checkUsable();
        TfSymbol s = captured.get(tensor);
        if (s == null) {
            Operand<?> p = placeholder("capture_" + captures.size(), tensor.dtype(), tensor.shape());
            captures.add(tensor);
            captureInputs.add(p);
            s = new TfSymbol(this, p);
            captured.put(tensor, s);
        }
        return s;
    }

    /**
     * @param tensor an operand of a traced operation
     * @param what what it is called in messages
     * @return it as a symbol of this trace: itself, or the capture of an eager tensor
     * @throws IllegalStateException if it is a symbol of another (ended) trace
     * @throws IllegalArgumentException if it belongs to another backend
     */
    TfSymbol symbol(Tensor tensor, String what) {
        if (tensor instanceof TfSymbol s) {
            s.requireTrace(this, what);
            return s;
        }
        if (tensor instanceof TfTensor t && t.backend() == backend) {
            return capture(t);
        }
        TensorChecks.unwrap(backend, TfTensor.class, tensor, what);
        throw new IllegalStateException("unreachable: " + what + " was accepted by unwrap");
    }

    /**
     * @param data the values, row-major (copied)
     * @param shape their shape
     * @return a float32 graph constant
     */
    TfSymbol constant(float[] data, int[] shape) {
        return new TfSymbol(this, tf().constant(shapeOf(shape), DataBuffers.of(data.clone(), true, false)));
    }

    /**
     * @param data the values, row-major (copied)
     * @param shape their shape
     * @return a float64 graph constant
     */
    TfSymbol constant(double[] data, int[] shape) {
        return new TfSymbol(this, tf().constant(shapeOf(shape), DataBuffers.of(data.clone(), true, false)));
    }

    /**
     * Symbolic gradients of {@code y} (summed over its elements) with respect to {@code xs}
     * ({@link Graph#addGradients}). An {@code x} that {@code y} does not depend on gets zeros; every
     * gradient keeps its {@code x}'s static shape.
     *
     * @param y the value to differentiate
     * @param xs the points
     * @return one gradient per point
     */
    List<TfSymbol> gradients(TfSymbol y, List<TfSymbol> xs) {
        Ops ops = tf();
        // TensorFlow refuses a point y does not depend on, so only the reachable ones are asked for
        Set<Output<?>> upstream = upstream(y.handle());
        List<Output<?>> wrt = new ArrayList<>();
        for (TfSymbol x : xs) {
            Output<?> o = x.handle();
            if (upstream.contains(o) && !wrt.contains(o)) {
                wrt.add(o);
            }
        }
        Output<?>[] raw = wrt.isEmpty() ? new Output<?>[0]
                : graph.addGradients(y.handle(), wrt.toArray(new Output<?>[0]));
        List<TfSymbol> grads = new ArrayList<>(xs.size());
        for (TfSymbol x : xs) {
            int i = wrt.indexOf(x.handle());
            if (i < 0 || noGradient(raw[i])) {
                grads.add(new TfSymbol(this, ops.zerosLike(x.handle())));
                continue;
            }
            Output<?> g = raw[i];
            Shape s = g.shape();
            if (s.isUnknown() || !Arrays.equals(TfSymbol.dims(s), x.shape())) {
                // TensorFlow's gradient functions often lose the static shape; restore x's
                g = ops.reshape(g, ops.shape(x.handle())).asOutput();
            }
            grads.add(new TfSymbol(this, g));
        }
        return grads;
    }

    /**
     * @return whether TensorFlow found no gradient: it returns a null output, or one without an
     *     operation, when the only paths pass through operations without a gradient ({@code OneHot}'s
     *     ids, {@code StopGradient})
     */
    private static boolean noGradient(Output<?> g) {
        if (g == null) {
            return true;
        }
        TF_Operation handle = ((GraphOperation) g.op()).getUnsafeNativeHandle();
        return handle == null || handle.isNull();
    }

    /** @return {@code y} and every output it depends on through data edges */
    private static Set<Output<?>> upstream(Output<?> y) {
        Set<Output<?>> seen = new HashSet<>();
        Set<GraphOperation> visited = new HashSet<>();
        ArrayDeque<Output<?>> todo = new ArrayDeque<>();
        seen.add(y);
        todo.push(y);
        while (!todo.isEmpty()) {
            Output<?> o = todo.pop();
            GraphOperation op = (GraphOperation) o.op();
            if (!visited.add(op)) {
                continue;
            }
            for (int i = 0; i < op.numInputs(); i++) {
                Output<?> in = op.input(i);
                if (seen.add(in)) {
                    todo.push(in);
                }
            }
        }
        return seen;
    }

    /**
     * Turns the graph into a function.
     *
     * @param key the function's name in the eager context, unique per backend
     * @param outputs the function's results, symbols of this trace
     * @return the function, not yet registered
     */
    TfGraphFunction finish(String key, List<TfSymbol> outputs) {
        Ops ops = tf();
        Signature.Builder sig = Signature.builder().key(key);
        List<String> inputNames = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            sig.input("arg_" + i, arguments.get(i));
            inputNames.add("arg_" + i);
        }
        for (int i = 0; i < captureInputs.size(); i++) {
            sig.input("capture_" + i, captureInputs.get(i));
            inputNames.add("capture_" + i);
        }
        List<String> outputNames = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            String out = "out_" + i;
            sig.output(out, ops.withName(out).identity(outputs.get(i).handle()));
            outputNames.add(out);
        }
        try (ConcreteFunction f = ConcreteFunction.create(sig.build(), graph)) {
            FunctionDef def = f.getFunctionDef();
            requireArgs("input", inputNames, def.getSignature().getInputArgList());
            requireArgs("output", outputNames, def.getSignature().getOutputArgList());
            List<int[]> shapes = new ArrayList<>(outputs.size());
            List<DType> types = new ArrayList<>(outputs.size());
            for (TfSymbol o : outputs) {
                shapes.add(o.shape());
                types.add(o.dtype());
            }
            return new TfGraphFunction(f.getDefinedName(), name, def.toByteArray(), arguments.size(),
                    outputs.size(), List.copyOf(captures), List.copyOf(shapes), List.copyOf(types));
        }
    }

    // ---------------------------------------------------------------- TfEmitter: graph operations

    @Override
    public TfEmitter.Call<Output<?>> op(String type) {
        return new GraphCall(tf().scope().opBuilder(type, type));
    }

    @Override
    public Output<?> scalar(DType dtype, double value) {
        return dtype == DType.FLOAT32 ? tf().constant((float) value).asOutput() : tf().constant(value).asOutput();
    }

    @Override
    public Output<?> ints(int... values) {
        return tf().constant(values).asOutput();
    }

    @Override
    public Output<?> intScalar(int value) {
        return tf().constant(value).asOutput();
    }

    @Override
    public Output<?> identity(Output<?> x) {
        return op("Identity").input(x).build();
    }

    /** One graph operation being assembled. */
    private static final class GraphCall implements TfEmitter.Call<Output<?>> {
        private final OperationBuilder builder;

        GraphCall(OperationBuilder builder) {
            this.builder = builder;
        }

        @Override
        public GraphCall input(Output<?> x) {
            builder.addInput(x);
            return this;
        }

        @Override
        public GraphCall inputList(List<Output<?>> xs) {
            builder.addInputList(xs.toArray(new Output<?>[0]));
            return this;
        }

        @Override
        public GraphCall type(String name, DType dtype) {
            builder.setAttr(name, dtype == DType.FLOAT32 ? DataType.DT_FLOAT : DataType.DT_DOUBLE);
            return this;
        }

        @Override
        public GraphCall int32(String name) {
            builder.setAttr(name, DataType.DT_INT32);
            return this;
        }

        @Override
        public GraphCall bool(String name, boolean value) {
            builder.setAttr(name, value);
            return this;
        }

        @Override
        public GraphCall integer(String name, long value) {
            builder.setAttr(name, value);
            return this;
        }

        @Override
        public Output<?> build() {
            return builder.build().output(0);
        }
    }

    /** Ends the trace: its symbols become unusable and the graph is freed. Idempotent. */
    @Override
    public void close() {
        if (active) {
            active = false;
            graph.close();
        }
    }

    @Override
    public String toString() {
        return "TfTrace['" + name + "', " + arguments.size() + " arguments, " + captures.size() + " captures"
                + (active ? "" : ", ended") + "]";
    }

    // ---------------------------------------------------------------- helpers

    private Operand<?> placeholder(String opName, DType dtype, int[] shape) {
        Placeholder.Options s = Placeholder.shape(shapeOf(shape));
        return dtype == DType.FLOAT32 ? tf().withName(opName).placeholder(TFloat32.class, s)
                : tf().withName(opName).placeholder(TFloat64.class, s);
    }

    static Shape shapeOf(int[] shape) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        return Shape.of(dims);
    }

    /** The function's arguments must come in the order the call passes them. */
    private void requireArgs(String what, List<String> want, List<OpDef.ArgDef> got) {
        List<String> names = got.stream().map(OpDef.ArgDef::getName).toList();
        if (!names.equals(want)) {
            throw new BackendException("tf: the traced function '" + name + "' has " + what + " arguments " + names
                    + ", expected " + want);
        }
    }
}

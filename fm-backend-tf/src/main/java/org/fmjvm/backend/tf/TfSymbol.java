package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.backend.TensorChecks;
import org.fmjvm.api.error.BackendException;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceMin;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.math.Mean;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * A symbolic {@link Tensor} of the {@code tf} backend: one output of a graph operation in a function
 * being traced ({@link TfTrace}). Every operation adds graph operations with the same kernels as the
 * eager {@link TfTensor} ({@code MatMul} with {@code transpose_b} and {@code BiasAdd} for
 * {@code linear}, {@code z * sigmoid(z)} for {@code silu}, {@code Sum}, {@code Mean},
 * {@code ConcatV2}, {@code Slice}, {@code GatherV2}, ...) and returns a new symbol; nothing runs
 * until the finished function is called.
 *
 * <p><b>Shapes.</b> The static shape TensorFlow infers, with {@code -1} for a length not known until
 * the call (the batch axis of a compiled function's batch arguments): {@link #dim} may return
 * {@code -1}, and {@link #size()} fails while a length is unknown. Operations check shapes in Java
 * first, as the eager ones do, where an unknown length agrees with any length
 * ({@link TfShapeRules}).
 *
 * <p><b>Operands.</b> The other operand of a binary operation may be a symbol of the same trace or an
 * eager tensor of the same backend, which the trace captures ({@link TfTrace#capture}). Symbols of a
 * trace that has ended cannot be used.
 *
 * <p><b>No values.</b> {@link #item()}, {@link #toFloatArray()} and {@link #toDoubleArray()} throw
 * {@link IllegalStateException}: a traced function runs once, on symbols. {@link #close()} does
 * nothing (the graph is freed when the trace ends).
 *
 * <p>Confined to the tracing thread.
 */
final class TfSymbol implements Tensor {
    private final TfTrace trace;
    private final Operand<TNumber> operand;
    private final int[] shape;
    private final DType dtype;

    @SuppressWarnings("unchecked")
    TfSymbol(TfTrace trace, Operand<?> operand) {
        this.trace = trace;
        this.operand = (Operand<TNumber>) operand;
        Output<?> out = operand.asOutput();
        Shape s = out.shape();
        if (s.isUnknown()) {
            throw new BackendException("tf: the rank of " + out.name() + " in the trace of '" + trace.name()
                    + "' is unknown to TensorFlow");
        }
        this.shape = dims(s);
        DataType type = out.dataType();
        if (type == DataType.DT_FLOAT) {
            this.dtype = DType.FLOAT32;
        } else if (type == DataType.DT_DOUBLE) {
            this.dtype = DType.FLOAT64;
        } else {
            throw new BackendException("tf: " + out.name() + " in the trace of '" + trace.name() + "' has element type "
                    + type + " (expected float32 or float64)");
        }
    }

    /** @return the lengths of a known-rank shape, {@code -1} where unknown */
    static int[] dims(Shape s) {
        int[] d = new int[s.numDimensions()];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.toIntExact(s.get(i));
        }
        return d;
    }

    Operand<TNumber> operand() {
        return operand;
    }

    TfTrace trace() {
        return trace;
    }

    /**
     * @param expected the trace the symbol is used in
     * @param what what the symbol is called in the message
     * @throws IllegalStateException if it belongs to another trace or its trace is not running on
     *     this thread
     */
    void requireTrace(TfTrace expected, String what) {
        if (trace != expected || !trace.isActive()) {
            throw new IllegalStateException(ended(what));
        }
    }

    /** @return the message for a symbol used after its trace ended */
    String ended(String what) {
        return what + " " + this + " is a symbolic tensor of the trace of '" + trace.name() + "', which has ended (or"
                + " runs on another thread); symbols exist only while their function is traced: return it as a result"
                + " of the function and use the result of the call instead";
    }

    // ---------------------------------------------------------------- Tensor: description

    @Override
    public Backend backend() {
        return trace.backend();
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int rank() {
        return shape.length;
    }

    /**
     * @throws IllegalStateException if a length is not known while tracing
     */
    @Override
    public int size() {
        if (!TfShapeRules.known(shape)) {
            throw new IllegalStateException("size() of " + this + ": a length of the shape is not known while '"
                    + trace.name() + "' is traced (it is an open batch axis); compute with the tensor instead, e.g."
                    + " mean() rather than sum().div(size())");
        }
        return Shapes.size(shape);
    }

    // ---------------------------------------------------------------- arithmetic

    @Override
    public Tensor add(Tensor other) {
        return binary("add", other, (a, b) -> tf().math.add(a, b));
    }

    @Override
    public Tensor sub(Tensor other) {
        return binary("sub", other, (a, b) -> tf().math.sub(a, b));
    }

    @Override
    public Tensor mul(Tensor other) {
        return binary("mul", other, (a, b) -> tf().math.mul(a, b));
    }

    @Override
    public Tensor div(Tensor other) {
        return binary("div", other, (a, b) -> tf().math.realDiv(a, b));
    }

    @Override
    public Tensor add(double value) {
        return wrap(tf().math.add(operand, scalar(value)));
    }

    @Override
    public Tensor sub(double value) {
        return wrap(tf().math.sub(operand, scalar(value)));
    }

    @Override
    public Tensor mul(double value) {
        return wrap(tf().math.mul(operand, scalar(value)));
    }

    @Override
    public Tensor div(double value) {
        return wrap(tf().math.realDiv(operand, scalar(value)));
    }

    @Override
    public Tensor rsub(double value) {
        return wrap(tf().math.sub(scalar(value), operand));
    }

    @Override
    public Tensor neg() {
        return unary(x -> tf().math.neg(x));
    }

    @Override
    public Tensor abs() {
        return unary(x -> tf().math.abs(x));
    }

    @Override
    public Tensor exp() {
        return unary(x -> tf().math.exp(x));
    }

    @Override
    public Tensor log() {
        return unary(x -> tf().math.log(x));
    }

    @Override
    public Tensor sqrt() {
        return unary(x -> tf().math.sqrt(x));
    }

    @Override
    public Tensor sin() {
        return unary(x -> tf().math.sin(x));
    }

    @Override
    public Tensor cos() {
        return unary(x -> tf().math.cos(x));
    }

    @Override
    public Tensor tanh() {
        return unary(x -> tf().math.tanh(x));
    }

    @Override
    public Tensor square() {
        return unary(x -> tf().math.square(x));
    }

    @Override
    public Tensor pow(double exponent) {
        return wrap(tf().math.pow(operand, scalar(exponent)));
    }

    // ---------------------------------------------------------------- activations and layers

    @Override
    public Tensor sigmoid() {
        return unary(x -> tf().math.sigmoid(x));
    }

    @Override
    public Tensor relu() {
        return unary(x -> tf().nn.relu(x));
    }

    @Override
    public Tensor softplus() {
        return unary(x -> tf().math.softplus(x));
    }

    /** {@code x * sigmoid(x)}, which TensorFlow differentiates. */
    @Override
    public Tensor silu() {
        Ops tf = tf();
        return wrap(tf.math.mul(operand, tf.math.sigmoid(operand)));
    }

    @Override
    public Tensor minimum(double value) {
        return wrap(tf().math.minimum(operand, scalar(value)));
    }

    @Override
    public Tensor maximum(double value) {
        return wrap(tf().math.maximum(operand, scalar(value)));
    }

    @Override
    public Tensor matmul(Tensor other) {
        Ops tf = tf();
        TfSymbol o = trace.symbol(other, "other");
        TensorChecks.requireSameDType("matmul", this, o);
        TfShapeRules.matmul(shape, o.shape);
        return wrap(tf.linalg.matMul(operand, o.operand));
    }

    @Override
    public Tensor linear(Tensor weight, Tensor bias) {
        Ops tf = tf();
        TfSymbol w = trace.symbol(weight, "weight");
        TfSymbol b = bias == null ? null : trace.symbol(bias, "bias");
        TensorChecks.requireSameDType("linear", this, w);
        if (b != null) {
            TensorChecks.requireSameDType("linear", this, b);
        }
        TfShapeRules.linear(shape, w.shape, b == null ? null : b.shape);
        Operand<TNumber> z = tf.linalg.matMul(operand, w.operand, MatMul.transposeB(true));
        return wrap(b == null ? z : tf.nn.biasAdd(z, b.operand));
    }

    /**
     * {@code Cast} to int32, then {@code OneHot}. The ids cannot be checked while tracing: an id out
     * of {@code [0, classes)} gives a row of zeros (TensorFlow's rule) and a fraction is truncated.
     */
    @Override
    public Tensor oneHot(int classes) {
        Ops tf = tf();
        TfShapeRules.oneHot(shape, classes);
        Operand<TInt32> ids = tf.dtypes.cast(operand, TInt32.class);
        return wrap(tf.oneHot(ids, tf.constant(classes), scalar(1), scalar(0)));
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Tensor sum(int axis, boolean keepDim) {
        Ops tf = tf();
        int ax = Shapes.axis("sum", axis, shape);
        return wrap(tf.reduceSum(operand, tf.constant(new int[] {ax}), ReduceSum.keepDims(keepDim)));
    }

    @Override
    public Tensor mean(int axis, boolean keepDim) {
        Ops tf = tf();
        int ax = Shapes.axis("mean", axis, shape);
        return wrap(tf.math.mean(operand, tf.constant(new int[] {ax}), Mean.keepDims(keepDim)));
    }

    @Override
    public Tensor max(int axis, boolean keepDim) {
        Ops tf = tf();
        int ax = nonEmptyAxis("max", axis);
        return wrap(tf.reduceMax(operand, tf.constant(new int[] {ax}), ReduceMax.keepDims(keepDim)));
    }

    @Override
    public Tensor min(int axis, boolean keepDim) {
        Ops tf = tf();
        int ax = nonEmptyAxis("min", axis);
        return wrap(tf.reduceMin(operand, tf.constant(new int[] {ax}), ReduceMin.keepDims(keepDim)));
    }

    @Override
    public Tensor sum() {
        Ops tf = tf();
        return wrap(tf.reduceSum(operand, tf.constant(allAxes()), ReduceSum.keepDims(false)));
    }

    @Override
    public Tensor mean() {
        Ops tf = tf();
        return wrap(tf.math.mean(operand, tf.constant(allAxes()), Mean.keepDims(false)));
    }

    /**
     * @throws IllegalStateException always: values do not exist while tracing
     */
    @Override
    public double item() {
        throw noValues("item()");
    }

    // ---------------------------------------------------------------- shapes

    /**
     * With every length known, the same rule and messages as the eager {@code reshape}; with an
     * unknown length, the target is checked for at most one {@code -1} and TensorFlow checks the
     * element count when the function runs.
     */
    @Override
    public Tensor reshape(int... newShape) {
        Ops tf = tf();
        int[] target;
        if (TfShapeRules.known(shape)) {
            target = Shapes.reshape(shape, newShape);
        } else {
            target = newShape.clone();
            int inferred = 0;
            for (int d : target) {
                if (d < -1) {
                    throw new IllegalArgumentException("reshape: axes must be >= 0 or -1, got "
                            + Arrays.toString(newShape));
                }
                inferred += d == -1 ? 1 : 0;
            }
            if (inferred > 1) {
                throw new IllegalArgumentException("reshape: only one axis may be -1, got " + Arrays.toString(newShape));
            }
        }
        return wrap(tf.reshape(operand, tf.constant(target)));
    }

    @Override
    public Tensor concat(Tensor other, int axis) {
        return concat(trace, List.of(this, other), axis);
    }

    /**
     * One {@code ConcatV2} of any number of parts ({@code Identity} for one).
     *
     * @param trace the running trace
     * @param parts tensors of one dtype (symbols of the trace or eager tensors to capture)
     * @param axis the axis to join along
     * @return the joined symbol
     */
    static TfSymbol concat(TfTrace trace, List<Tensor> parts, int axis) {
        Ops tf = trace.tf();
        List<Operand<TNumber>> operands = new ArrayList<>(parts.size());
        TfSymbol first = trace.symbol(parts.get(0), "parts[0]");
        int ax = Shapes.axis("concat", axis, first.shape);
        for (int i = 0; i < parts.size(); i++) {
            TfSymbol s = i == 0 ? first : trace.symbol(parts.get(i), "parts[" + i + "]");
            if (i > 0) {
                TensorChecks.requireSameDType("concat", first, s);
                TfShapeRules.concatAxis(first.shape, s.shape, axis);
            }
            operands.add(s.operand);
        }
        if (operands.size() == 1) {
            return new TfSymbol(trace, tf.identity(first.operand));
        }
        return new TfSymbol(trace, tf.concat(operands, tf.constant(ax)));
    }

    @Override
    public Tensor gatherRows(int[] rows) {
        Ops tf = tf();
        int[] index = rows.clone();
        if (shape.length == 0 || shape[0] >= 0) {
            Shapes.requireRows(shape, index);
        } else {
            for (int i = 0; i < index.length; i++) {
                if (index[i] < 0) {
                    throw new IndexOutOfBoundsException("gatherRows: row index " + index[i] + " at position " + i
                            + " is negative");
                }
            }
        }
        return wrap(tf.gather(operand, tf.constant(index), tf.constant(0)));
    }

    @Override
    public Tensor slice(int axis, int start, int end) {
        Ops tf = tf();
        int ax = Shapes.axis("slice", axis, shape);
        if (shape[ax] >= 0) {
            Shapes.sliceAxis(shape, axis, start, end);
        } else if (start < 0 || start > end) {
            throw new IndexOutOfBoundsException("slice of axis " + axis + " of " + Shapes.describe(shape)
                    + ": need 0 <= start <= end, got [" + start + ", " + end + ")");
        }
        int[] begin = new int[shape.length];
        int[] size = new int[shape.length];
        Arrays.fill(size, -1);
        begin[ax] = start;
        size[ax] = end - start;
        return wrap(tf.slice(operand, tf.constant(begin), tf.constant(size)));
    }

    @Override
    public Tensor toDType(DType target) {
        Ops tf = tf();
        if (target == dtype) {
            return wrap(tf.identity(operand));
        }
        return wrap(target == DType.FLOAT32 ? tf.dtypes.cast(operand, TFloat32.class)
                : tf.dtypes.cast(operand, TFloat64.class));
    }

    /**
     * @throws IllegalStateException always: values do not exist while tracing
     */
    @Override
    public float[] toFloatArray() {
        throw noValues("toFloatArray()");
    }

    /**
     * @throws IllegalStateException always: values do not exist while tracing
     */
    @Override
    public double[] toDoubleArray() {
        throw noValues("toDoubleArray()");
    }

    /** Does nothing: the graph is freed when the trace ends. */
    @Override
    public void close() {
        // a symbol owns no native memory of its own
    }

    @Override
    public String toString() {
        return "TfSymbol" + Shapes.describe(shape) + " " + dtype;
    }

    // ---------------------------------------------------------------- helpers

    /** @return the running trace's operations, after checking this symbol belongs to it */
    private Ops tf() {
        requireTrace(trace.backend().activeTrace(), "tensor");
        return trace.tf();
    }

    private TfSymbol wrap(Operand<?> result) {
        return new TfSymbol(trace, result);
    }

    private Tensor unary(UnaryOperator<Operand<TNumber>> op) {
        tf();
        return wrap(op.apply(operand));
    }

    private Tensor binary(String name, Tensor other, BinaryOperator<Operand<TNumber>> op) {
        tf();
        TfSymbol o = trace.symbol(other, "other");
        TensorChecks.requireSameDType(name, this, o);
        TfShapeRules.broadcast(name, shape, o.shape);
        return wrap(op.apply(operand, o.operand));
    }

    /** @return a scalar constant of this symbol's dtype, so a scalar never promotes the result */
    @SuppressWarnings("unchecked")
    private Operand<TNumber> scalar(double value) {
        Ops tf = tf();
        Operand<?> c = dtype == DType.FLOAT32 ? tf.constant((float) value) : tf.constant(value);
        return (Operand<TNumber>) c;
    }

    private int nonEmptyAxis(String op, int axis) {
        int ax = Shapes.axis(op, axis, shape);
        if (shape[ax] >= 0) {
            Shapes.requireNonEmptyAxis(op, shape, ax);
        }
        return ax;
    }

    private int[] allAxes() {
        int[] axes = new int[shape.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return axes;
    }

    private IllegalStateException noValues(String method) {
        return new IllegalStateException(method + " is not available while '" + trace.name() + "' is traced: " + this
                + " is symbolic, its values exist only when the compiled function runs; a traced function must not"
                + " read values back to Java or branch on them: return the tensor as a result and read the result of"
                + " the call");
    }
}

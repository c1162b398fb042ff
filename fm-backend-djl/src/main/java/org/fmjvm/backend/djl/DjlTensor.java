package org.fmjvm.backend.djl;

import java.util.Arrays;
import java.util.function.Supplier;

import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.backend.HostArrays;
import org.fmjvm.api.backend.TensorChecks;
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * A {@link Tensor} of the {@code djl} backend: one PyTorch tensor ({@link PtNDArray}) owned by one
 * {@link DjlScope}. Every operation validates shapes, dtypes and axes in Java first, with fm-api's
 * shared rules ({@link Shapes}, {@link TensorChecks}), so a mistake surfaces as
 * {@link ShapeMismatchException} or {@link IllegalArgumentException} naming the shapes rather than
 * as a native error; then it calls libtorch and attaches the result to the calling thread's
 * current scope.
 *
 * <p>Shape and dtype are read once at construction. Confined to the thread that made it.
 */
final class DjlTensor implements Tensor {
    private final DjlBackend backend;
    private final PtNDArray array;
    private final int[] shape;
    private final DType dtype;
    private DjlScope scope;
    private boolean closed;

    DjlTensor(DjlBackend backend, PtNDArray array, DjlScope scope) {
        this.backend = backend;
        this.array = array;
        this.scope = scope;
        long[] s = array.getShape().getShape();
        this.shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        DataType dt = array.getDataType();
        if (dt == DataType.FLOAT32) {
            dtype = DType.FLOAT32;
        } else if (dt == DataType.FLOAT64) {
            dtype = DType.FLOAT64;
        } else {
            throw new IllegalStateException("djl: unexpected native dtype " + dt);
        }
    }

    /** Wraps an array whose shape and dtype the caller already knows (no native query). */
    DjlTensor(DjlBackend backend, PtNDArray array, DjlScope scope, int[] shape, DType dtype) {
        this.backend = backend;
        this.array = array;
        this.scope = scope;
        this.shape = shape;
        this.dtype = dtype;
    }

    PtNDArray array() {
        return array;
    }

    DjlScope scope() {
        return scope;
    }

    void moveTo(DjlScope newScope) {
        scope = newScope;
    }

    /** Marks the tensor closed because its scope freed it. */
    void markReleased() {
        if (!closed) {
            closed = true;
            backend.released();
        }
    }

    void checkUsable() {
        TensorChecks.requireOpen(closed, shape);
    }

    @Override
    public Backend backend() {
        return backend;
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

    @Override
    public int size() {
        return Shapes.size(shape);
    }

    // ---------------------------------------------------------------- arithmetic

    @Override
    public Tensor add(Tensor other) {
        DjlTensor o = binaryOperand("add", other);
        return result("add", () -> JniUtils.add(array, o.array), Shapes.broadcast("add", shape, o.shape));
    }

    @Override
    public Tensor sub(Tensor other) {
        DjlTensor o = binaryOperand("sub", other);
        return result("sub", () -> JniUtils.sub(array, o.array), Shapes.broadcast("sub", shape, o.shape));
    }

    @Override
    public Tensor mul(Tensor other) {
        DjlTensor o = binaryOperand("mul", other);
        return result("mul", () -> JniUtils.mul(array, o.array), Shapes.broadcast("mul", shape, o.shape));
    }

    @Override
    public Tensor div(Tensor other) {
        DjlTensor o = binaryOperand("div", other);
        return result("div", () -> JniUtils.div(array, o.array), Shapes.broadcast("div", shape, o.shape));
    }

    @Override
    public Tensor add(double value) {
        checkUsable();
        return result("add", () -> array.add(scalar(value)), shape);
    }

    @Override
    public Tensor sub(double value) {
        checkUsable();
        return result("sub", () -> array.sub(scalar(value)), shape);
    }

    @Override
    public Tensor mul(double value) {
        checkUsable();
        return result("mul", () -> array.mul(scalar(value)), shape);
    }

    @Override
    public Tensor div(double value) {
        checkUsable();
        return result("div", () -> array.div(scalar(value)), shape);
    }

    @Override
    public Tensor rsub(double value) {
        checkUsable();
        // -x + value is exactly value - x in IEEE arithmetic
        return result("rsub", () -> JniUtils.neg(array).addi(scalar(value)), shape);
    }

    /** The scalar in this tensor's precision, so a 0-d operand never promotes the result's dtype. */
    private Number scalar(double value) {
        return dtype == DType.FLOAT32 ? (Number) (float) value : (Number) value;
    }

    @Override
    public Tensor neg() {
        return unary("neg", JniUtils::neg);
    }

    @Override
    public Tensor abs() {
        return unary("abs", JniUtils::abs);
    }

    @Override
    public Tensor exp() {
        return unary("exp", JniUtils::exp);
    }

    @Override
    public Tensor log() {
        return unary("log", JniUtils::log);
    }

    @Override
    public Tensor sqrt() {
        return unary("sqrt", JniUtils::sqrt);
    }

    @Override
    public Tensor sin() {
        return unary("sin", JniUtils::sin);
    }

    @Override
    public Tensor cos() {
        return unary("cos", JniUtils::cos);
    }

    @Override
    public Tensor tanh() {
        return unary("tanh", JniUtils::tanh);
    }

    @Override
    public Tensor square() {
        return unary("square", JniUtils::square);
    }

    @Override
    public Tensor pow(double exponent) {
        checkUsable();
        return result("pow", () -> array.pow(scalar(exponent)), shape);
    }

    @Override
    public Tensor sigmoid() {
        return unary("sigmoid", JniUtils::sigmoid);
    }

    @Override
    public Tensor relu() {
        return unary("relu", JniUtils::relu);
    }

    @Override
    public Tensor softplus() {
        return unary("softplus", JniUtils::softPlus);
    }

    @Override
    public Tensor silu() {
        checkUsable();
        return result("silu", () -> {
            PtNDArray s = JniUtils.sigmoid(array);
            if (JniUtils.isGradMode()) {
                // autograd saves the sigmoid's output: multiply out of place
                try (s) {
                    return JniUtils.mul(array, s);
                }
            }
            JniUtils.muli(s, array);
            return s;
        }, shape);
    }

    @Override
    public Tensor minimum(double value) {
        checkUsable();
        return result("minimum", () -> (PtNDArray) array.minimum(scalar(value)), shape);
    }

    @Override
    public Tensor maximum(double value) {
        checkUsable();
        return result("maximum", () -> (PtNDArray) array.maximum(scalar(value)), shape);
    }

    @Override
    public Tensor matmul(Tensor other) {
        checkUsable();
        DjlTensor o = backend.unwrap(other, "other");
        TensorChecks.requireSameDType("matmul", this, o);
        int[] out = Shapes.matmul(shape, o.shape);
        return result("matmul", () -> JniUtils.matmul(array, o.array), out);
    }

    @Override
    public Tensor linear(Tensor weight, Tensor bias) {
        checkUsable();
        DjlTensor w = backend.unwrap(weight, "weight");
        DjlTensor b = bias == null ? null : backend.unwrap(bias, "bias");
        TensorChecks.requireSameDType("linear", this, w);
        if (b != null) {
            TensorChecks.requireSameDType("linear", this, b);
        }
        int[] out = Shapes.linear(shape, w.shape, b == null ? null : b.shape);
        return result("linear", () -> JniUtils.linear(array, w.array, b == null ? null : b.array), out);
    }

    @Override
    public Tensor oneHot(int classes) {
        checkUsable();
        Shapes.oneHot(shape, classes);
        DataType dt = array.getDataType();
        return result("oneHot", () -> {
            try (PtNDArray ids = array.toType(DataType.INT64, false)) {
                return JniUtils.oneHot(ids, classes, dt);
            }
        });
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Tensor sum(int axis, boolean keepDim) {
        int ax = axis("sum", axis);
        return result("sum", () -> JniUtils.sum(array, new long[] {ax}, keepDim), Shapes.reduce(shape, ax, keepDim));
    }

    @Override
    public Tensor mean(int axis, boolean keepDim) {
        int ax = axis("mean", axis);
        return result("mean", () -> JniUtils.mean(array, ax, keepDim), Shapes.reduce(shape, ax, keepDim));
    }

    @Override
    public Tensor max(int axis, boolean keepDim) {
        int ax = axis("max", axis);
        Shapes.requireNonEmptyAxis("max", shape, ax);
        return result("max", () -> JniUtils.max(array, ax, keepDim));
    }

    @Override
    public Tensor min(int axis, boolean keepDim) {
        int ax = axis("min", axis);
        Shapes.requireNonEmptyAxis("min", shape, ax);
        return result("min", () -> JniUtils.min(array, ax, keepDim));
    }

    @Override
    public Tensor sum() {
        checkUsable();
        return result("sum", () -> oneThread(() -> JniUtils.sum(array)), new int[0]);
    }

    @Override
    public Tensor mean() {
        checkUsable();
        return result("mean", () -> oneThread(() -> JniUtils.mean(array)), new int[0]);
    }

    @Override
    public double item() {
        checkUsable();
        Shapes.requireOneElement(shape);
        return toDoubleArray()[0];
    }

    // ---------------------------------------------------------------- shapes

    @Override
    public Tensor reshape(int... newShape) {
        checkUsable();
        long[] target = DjlBackend.toShape(Shapes.reshape(shape, newShape)).getShape();
        return result("reshape", () -> JniUtils.reshape(array, target));
    }

    @Override
    public Tensor concat(Tensor other, int axis) {
        checkUsable();
        DjlTensor o = backend.unwrap(other, "other");
        TensorChecks.requireSameDType("concat", this, o);
        int ax = Shapes.concatAxis(shape, o.shape, axis);
        return result("concat", () -> JniUtils.cat(new PtNDArray[] {array, o.array}, ax));
    }

    @Override
    public Tensor gatherRows(int[] rows) {
        checkUsable();
        Shapes.requireRows(shape, rows);
        long[] index = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            index[i] = rows[i];
        }
        DjlScope target = backend.currentScope();
        return result("gatherRows", () -> {
            try (PtNDArray idx = (PtNDArray) target.manager().create(index)) {
                return (PtNDArray) array.get(new NDIndex("{}", idx));
            }
        });
    }

    @Override
    public Tensor slice(int axis, int start, int end) {
        checkUsable();
        int ax = Shapes.sliceAxis(shape, axis, start, end);
        return result("slice", () -> JniUtils.slice(array, ax, start, end, 1));
    }

    @Override
    public Tensor toDType(DType target) {
        checkUsable();
        if (target == dtype) {
            return result("toDType", () -> (PtNDArray) array.duplicate());
        }
        DataType dt = DjlBackend.toDataType(target);
        return result("toDType", () -> array.toType(dt, true));
    }

    @Override
    public float[] toFloatArray() {
        checkUsable();
        return dtype == DType.FLOAT32 ? array.toFloatArray() : HostArrays.toFloats(array.toDoubleArray());
    }

    @Override
    public double[] toDoubleArray() {
        checkUsable();
        return dtype == DType.FLOAT64 ? array.toDoubleArray() : HostArrays.toDoubles(array.toFloatArray());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scope.remove(this);
        array.close();
        backend.released();
    }

    @Override
    public String toString() {
        return "DjlTensor" + Arrays.toString(shape) + " " + dtype + (closed ? " (closed)" : "");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Runs a full reduction on one native thread: libtorch splits reductions over more than 32,768
     * elements between threads, which changes the summation order, so the value would depend on the
     * thread count. Per-axis reductions keep a fixed order and need no such care.
     */
    private PtNDArray oneThread(Supplier<PtNDArray> reduction) {
        NativeThreads.use(1);
        try {
            return reduction.get();
        } finally {
            NativeThreads.use(backend.opThreads());
        }
    }

    private Tensor unary(String op, java.util.function.UnaryOperator<PtNDArray> f) {
        checkUsable();
        return result(op, () -> f.apply(array), shape);
    }

    private Tensor result(String op, Supplier<PtNDArray> producer) {
        return backend.adopt(op, producer, backend.currentScope());
    }

    /**
     * As {@link #result(String, Supplier)} for a result of this tensor's dtype whose shape the
     * shape rules already gave: the wrapper then needs no native query of shape and dtype.
     */
    private Tensor result(String op, Supplier<PtNDArray> producer, int[] resultShape) {
        return backend.adopt(op, producer, backend.currentScope(), resultShape, dtype);
    }

    private DjlTensor binaryOperand(String op, Tensor other) {
        checkUsable();
        DjlTensor o = backend.unwrap(other, "other");
        TensorChecks.requireSameDType(op, this, o);
        return o;
    }

    private int axis(String op, int axis) {
        checkUsable();
        return Shapes.axis(op, axis, shape);
    }
}

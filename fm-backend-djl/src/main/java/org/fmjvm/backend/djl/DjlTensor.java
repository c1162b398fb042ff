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
import org.fmjvm.api.error.ShapeMismatchException;

/**
 * A {@link Tensor} of the {@code djl} backend: one PyTorch tensor ({@link PtNDArray}) owned by one
 * {@link DjlScope}. Every operation validates shapes, dtypes and axes in Java first, so a mistake
 * surfaces as {@link ShapeMismatchException} or {@link IllegalArgumentException} naming the shapes
 * rather than as a native error; then it calls libtorch and attaches the result to the calling
 * thread's current scope.
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
        if (closed) {
            throw new IllegalStateException("tensor " + Arrays.toString(shape) + " was closed (by close() or by closing"
                    + " its TensorScope); keep() it into an enclosing scope to use it later");
        }
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
        PtNDArray b = binaryOperand("add", other);
        return result("add", () -> JniUtils.add(array, b));
    }

    @Override
    public Tensor sub(Tensor other) {
        PtNDArray b = binaryOperand("sub", other);
        return result("sub", () -> JniUtils.sub(array, b));
    }

    @Override
    public Tensor mul(Tensor other) {
        PtNDArray b = binaryOperand("mul", other);
        return result("mul", () -> JniUtils.mul(array, b));
    }

    @Override
    public Tensor div(Tensor other) {
        PtNDArray b = binaryOperand("div", other);
        return result("div", () -> JniUtils.div(array, b));
    }

    @Override
    public Tensor add(double value) {
        checkUsable();
        return result("add", () -> array.add(scalar(value)));
    }

    @Override
    public Tensor sub(double value) {
        checkUsable();
        return result("sub", () -> array.sub(scalar(value)));
    }

    @Override
    public Tensor mul(double value) {
        checkUsable();
        return result("mul", () -> array.mul(scalar(value)));
    }

    @Override
    public Tensor div(double value) {
        checkUsable();
        return result("div", () -> array.div(scalar(value)));
    }

    @Override
    public Tensor rsub(double value) {
        checkUsable();
        // -x + value is exactly value - x in IEEE arithmetic
        return result("rsub", () -> JniUtils.neg(array).addi(scalar(value)));
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
        return result("pow", () -> array.pow(scalar(exponent)));
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Tensor sum(int axis, boolean keepDim) {
        int ax = axis("sum", axis);
        return result("sum", () -> JniUtils.sum(array, new long[] {ax}, keepDim));
    }

    @Override
    public Tensor mean(int axis, boolean keepDim) {
        int ax = axis("mean", axis);
        return result("mean", () -> JniUtils.mean(array, ax, keepDim));
    }

    @Override
    public Tensor max(int axis, boolean keepDim) {
        int ax = axis("max", axis);
        requireNonEmptyAxis("max", ax);
        return result("max", () -> JniUtils.max(array, ax, keepDim));
    }

    @Override
    public Tensor min(int axis, boolean keepDim) {
        int ax = axis("min", axis);
        requireNonEmptyAxis("min", ax);
        return result("min", () -> JniUtils.min(array, ax, keepDim));
    }

    @Override
    public Tensor sum() {
        checkUsable();
        return result("sum", () -> JniUtils.sum(array));
    }

    @Override
    public Tensor mean() {
        checkUsable();
        return result("mean", () -> JniUtils.mean(array));
    }

    @Override
    public double item() {
        checkUsable();
        if (size() != 1) {
            throw new ShapeMismatchException("item() needs a tensor with exactly one element, got shape "
                    + Arrays.toString(shape));
        }
        return toDoubleArray()[0];
    }

    // ---------------------------------------------------------------- shapes

    @Override
    public Tensor reshape(int... newShape) {
        checkUsable();
        long[] target = resolveReshape(newShape);
        return result("reshape", () -> JniUtils.reshape(array, target));
    }

    private long[] resolveReshape(int[] newShape) {
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < newShape.length; i++) {
            if (newShape[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("reshape: only one axis may be -1, got "
                            + Arrays.toString(newShape));
                }
                inferred = i;
            } else if (newShape[i] < 0) {
                throw new IllegalArgumentException("reshape: axes must be >= 0 or -1, got " + Arrays.toString(newShape));
            } else {
                known *= newShape[i];
            }
        }
        int size = size();
        long[] target = new long[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            target[i] = newShape[i];
        }
        if (inferred >= 0) {
            if (known == 0 || size % known != 0) {
                throw new ShapeMismatchException("cannot reshape " + Arrays.toString(shape) + " (" + size
                        + " elements) to " + Shapes.describe(newShape));
            }
            target[inferred] = size / known;
        } else if (known != size) {
            throw new ShapeMismatchException("cannot reshape " + Arrays.toString(shape) + " (" + size + " elements) to "
                    + Arrays.toString(newShape) + " (" + known + " elements)");
        }
        return target;
    }

    @Override
    public Tensor concat(Tensor other, int axis) {
        checkUsable();
        DjlTensor o = backend.unwrap(other, "other");
        requireSameDType("concat", o);
        if (o.shape.length != shape.length) {
            throw new ShapeMismatchException("concat: ranks differ: " + Arrays.toString(shape) + " and "
                    + Arrays.toString(o.shape));
        }
        int ax = axis("concat", axis);
        for (int k = 0; k < shape.length; k++) {
            if (k != ax && shape[k] != o.shape[k]) {
                throw new ShapeMismatchException("concat along axis " + axis + ": shapes " + Arrays.toString(shape)
                        + " and " + Arrays.toString(o.shape) + " differ on axis " + k);
            }
        }
        return result("concat", () -> JniUtils.cat(new PtNDArray[] {array, o.array}, ax));
    }

    @Override
    public Tensor gatherRows(int[] rows) {
        checkUsable();
        if (shape.length == 0) {
            throw new ShapeMismatchException("gatherRows needs a tensor of rank >= 1, got a scalar");
        }
        long[] index = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= shape[0]) {
                throw new IndexOutOfBoundsException("gatherRows: row index " + rows[i] + " at position " + i
                        + " is outside [0, " + shape[0] + ")");
            }
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
        int ax = axis("slice", axis);
        if (start < 0 || end > shape[ax] || start > end) {
            throw new IndexOutOfBoundsException("slice of axis " + axis + " of " + Arrays.toString(shape)
                    + ": need 0 <= start <= end <= " + shape[ax] + ", got [" + start + ", " + end + ")");
        }
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
        if (dtype == DType.FLOAT32) {
            return array.toFloatArray();
        }
        double[] d = array.toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Override
    public double[] toDoubleArray() {
        checkUsable();
        if (dtype == DType.FLOAT64) {
            return array.toDoubleArray();
        }
        float[] f = array.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
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

    private Tensor unary(String op, java.util.function.UnaryOperator<PtNDArray> f) {
        checkUsable();
        return result(op, () -> f.apply(array));
    }

    private Tensor result(String op, Supplier<PtNDArray> producer) {
        return backend.adopt(op, producer, backend.currentScope());
    }

    private PtNDArray binaryOperand(String op, Tensor other) {
        checkUsable();
        DjlTensor o = backend.unwrap(other, "other");
        requireSameDType(op, o);
        broadcastShape(op, shape, o.shape);
        return o.array;
    }

    private void requireSameDType(String op, DjlTensor o) {
        if (o.dtype != dtype) {
            throw new IllegalArgumentException(op + ": operands have different dtypes " + dtype + " and " + o.dtype
                    + "; convert one with toDType()");
        }
    }

    /**
     * @return the NumPy broadcast of two shapes
     * @throws ShapeMismatchException naming both shapes
     */
    static int[] broadcastShape(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int k = 0; k < rank; k++) {
            int da = k < rank - a.length ? 1 : a[k - (rank - a.length)];
            int db = k < rank - b.length ? 1 : b[k - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast (axis " + (k - rank) + " has " + da + " vs " + db
                        + "; lengths must be equal or 1)");
            }
            out[k] = Math.max(da, db);
        }
        return out;
    }

    private int axis(String op, int axis) {
        checkUsable();
        int ax = axis < 0 ? axis + shape.length : axis;
        if (ax < 0 || ax >= shape.length) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape "
                    + Arrays.toString(shape));
        }
        return ax;
    }

    private void requireNonEmptyAxis(String op, int ax) {
        if (shape[ax] == 0) {
            throw new ShapeMismatchException(op + " over an empty axis of " + Arrays.toString(shape));
        }
    }
}

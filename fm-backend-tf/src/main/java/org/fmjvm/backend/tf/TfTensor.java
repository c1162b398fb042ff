package org.fmjvm.backend.tf;

import java.util.Arrays;
import java.util.function.Supplier;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.backend.HostArrays;
import org.fmjvm.api.backend.TensorChecks;
import org.fmjvm.api.error.ShapeMismatchException;
import org.tensorflow.internal.c_api.TFE_TensorHandle;

/**
 * A {@link Tensor} of the {@code tf} backend: one TensorFlow eager tensor handle owned by one
 * {@link TfScope}. Every operation validates shapes, dtypes and axes in Java first, with fm-api's
 * shared rules ({@link Shapes}, {@link TensorChecks}), so mistakes surface as
 * {@link ShapeMismatchException} or {@link IllegalArgumentException} naming the shapes rather than
 * as native errors; then runs one eager TensorFlow operation ({@code AddV2},
 * {@code RealDiv}, {@code Sum}, {@code ConcatV2}, {@code GatherV2}, {@code Slice}, {@code Cast},
 * ...) and gives the result to the calling thread's current scope. Scalar operands are made in this
 * tensor's precision, so a scalar never promotes the result's dtype.
 *
 * <p>Shape and dtype are read once at construction. Confined to the thread that made it.
 */
final class TfTensor implements Tensor {
    private final TfBackend backend;
    private final TfRuntime runtime;
    private final TFE_TensorHandle handle;
    private final int[] shape;
    private final DType dtype;
    private TfScope scope;
    private boolean closed;

    TfTensor(TfBackend backend, TFE_TensorHandle handle, int[] shape, DType dtype, TfScope scope) {
        this.backend = backend;
        this.runtime = backend.runtime();
        this.handle = handle;
        this.shape = shape;
        this.dtype = dtype;
        this.scope = scope;
    }

    TFE_TensorHandle handle() {
        return handle;
    }

    TfScope scope() {
        return scope;
    }

    void moveTo(TfScope newScope) {
        scope = newScope;
    }

    /** Frees the handle because the owning scope closes. */
    void release() {
        if (!closed) {
            closed = true;
            runtime.delete(handle);
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
        return binary("AddV2", "add", other);
    }

    @Override
    public Tensor sub(Tensor other) {
        return binary("Sub", "sub", other);
    }

    @Override
    public Tensor mul(Tensor other) {
        return binary("Mul", "mul", other);
    }

    @Override
    public Tensor div(Tensor other) {
        return binary("RealDiv", "div", other);
    }

    @Override
    public Tensor add(double value) {
        return withScalar("AddV2", "add", value, false);
    }

    @Override
    public Tensor sub(double value) {
        return withScalar("Sub", "sub", value, false);
    }

    @Override
    public Tensor mul(double value) {
        return withScalar("Mul", "mul", value, false);
    }

    @Override
    public Tensor div(double value) {
        return withScalar("RealDiv", "div", value, false);
    }

    @Override
    public Tensor rsub(double value) {
        return withScalar("Sub", "rsub", value, true);
    }

    @Override
    public Tensor neg() {
        return unary("Neg");
    }

    @Override
    public Tensor abs() {
        return unary("Abs");
    }

    @Override
    public Tensor exp() {
        return unary("Exp");
    }

    @Override
    public Tensor log() {
        return unary("Log");
    }

    @Override
    public Tensor sqrt() {
        return unary("Sqrt");
    }

    @Override
    public Tensor sin() {
        return unary("Sin");
    }

    @Override
    public Tensor cos() {
        return unary("Cos");
    }

    @Override
    public Tensor tanh() {
        return unary("Tanh");
    }

    @Override
    public Tensor square() {
        return unary("Square");
    }

    @Override
    public Tensor pow(double exponent) {
        return withScalar("Pow", "pow", exponent, false);
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Tensor sum(int axis, boolean keepDim) {
        return reduce("Sum", new int[] {axis("sum", axis)}, keepDim);
    }

    @Override
    public Tensor mean(int axis, boolean keepDim) {
        return reduce("Mean", new int[] {axis("mean", axis)}, keepDim);
    }

    @Override
    public Tensor max(int axis, boolean keepDim) {
        int ax = axis("max", axis);
        Shapes.requireNonEmptyAxis("max", shape, ax);
        return reduce("Max", new int[] {ax}, keepDim);
    }

    @Override
    public Tensor min(int axis, boolean keepDim) {
        int ax = axis("min", axis);
        Shapes.requireNonEmptyAxis("min", shape, ax);
        return reduce("Min", new int[] {ax}, keepDim);
    }

    @Override
    public Tensor sum() {
        checkUsable();
        return reduce("Sum", allAxes(), false);
    }

    @Override
    public Tensor mean() {
        checkUsable();
        return reduce("Mean", allAxes(), false);
    }

    private int[] allAxes() {
        int[] axes = new int[shape.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return axes;
    }

    private Tensor reduce(String op, int[] axes, boolean keepDim) {
        return result(op, () -> {
            TFE_TensorHandle ax = runtime.ints(axes, axes.length);
            try (TfRuntime.EagerCall call = runtime.op(op)) {
                return call.input(handle).input(ax).type("T", dtype).int32("Tidx").bool("keep_dims", keepDim)
                        .execute1();
            } finally {
                runtime.delete(ax);
            }
        });
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
        int[] target = Shapes.reshape(shape, newShape);
        return result("reshape", () -> {
            TFE_TensorHandle s = runtime.ints(target, target.length);
            try (TfRuntime.EagerCall call = runtime.op("Reshape")) {
                return call.input(handle).input(s).type("T", dtype).int32("Tshape").execute1();
            } finally {
                runtime.delete(s);
            }
        });
    }

    @Override
    public Tensor concat(Tensor other, int axis) {
        checkUsable();
        TfTensor o = backend.unwrap(other, "other");
        TensorChecks.requireSameDType("concat", this, o);
        int ax = Shapes.concatAxis(shape, o.shape, axis);
        return result("concat", () -> {
            TFE_TensorHandle a = runtime.intScalar(ax);
            try (TfRuntime.EagerCall call = runtime.op("ConcatV2")) {
                return call.inputList(handle, o.handle).input(a).type("T", dtype).integer("N", 2).int32("Tidx")
                        .execute1();
            } finally {
                runtime.delete(a);
            }
        });
    }

    @Override
    public Tensor gatherRows(int[] rows) {
        checkUsable();
        int[] index = rows.clone();
        Shapes.requireRows(shape, index);
        return result("gatherRows", () -> {
            TFE_TensorHandle idx = runtime.ints(index, index.length);
            TFE_TensorHandle zero = runtime.intScalar(0);
            try (TfRuntime.EagerCall call = runtime.op("GatherV2")) {
                return call.input(handle).input(idx).input(zero).type("Tparams", dtype).int32("Tindices")
                        .int32("Taxis").integer("batch_dims", 0).execute1();
            } finally {
                runtime.delete(idx);
                runtime.delete(zero);
            }
        });
    }

    @Override
    public Tensor slice(int axis, int start, int end) {
        checkUsable();
        int ax = Shapes.sliceAxis(shape, axis, start, end);
        int[] begin = new int[shape.length];
        int[] size = shape.clone();
        begin[ax] = start;
        size[ax] = end - start;
        return result("slice", () -> {
            TFE_TensorHandle b = runtime.ints(begin, begin.length);
            TFE_TensorHandle s = runtime.ints(size, size.length);
            try (TfRuntime.EagerCall call = runtime.op("Slice")) {
                return call.input(handle).input(b).input(s).type("T", dtype).int32("Index").execute1();
            } finally {
                runtime.delete(b);
                runtime.delete(s);
            }
        });
    }

    @Override
    public Tensor toDType(DType target) {
        checkUsable();
        if (target == dtype) {
            return result("toDType", () -> runtime.share(handle));
        }
        return result("toDType", () -> {
            try (TfRuntime.EagerCall call = runtime.op("Cast")) {
                return call.input(handle).type("SrcT", dtype).type("DstT", target).bool("Truncate", false).execute1();
            }
        });
    }

    @Override
    public float[] toFloatArray() {
        checkUsable();
        int n = size();
        return dtype == DType.FLOAT32 ? runtime.readFloats(handle, n)
                : HostArrays.toFloats(runtime.readDoubles(handle, n));
    }

    @Override
    public double[] toDoubleArray() {
        checkUsable();
        int n = size();
        return dtype == DType.FLOAT64 ? runtime.readDoubles(handle, n)
                : HostArrays.toDoubles(runtime.readFloats(handle, n));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scope.remove(this);
        runtime.delete(handle);
        backend.released();
    }

    @Override
    public String toString() {
        return "TfTensor" + Arrays.toString(shape) + " " + dtype + (closed ? " (closed)" : "");
    }

    // ---------------------------------------------------------------- helpers

    private Tensor unary(String op) {
        checkUsable();
        return result(op, () -> {
            try (TfRuntime.EagerCall call = runtime.op(op)) {
                return call.input(handle).type("T", dtype).execute1();
            }
        });
    }

    private Tensor binary(String op, String name, Tensor other) {
        checkUsable();
        TfTensor o = backend.unwrap(other, "other");
        TensorChecks.requireSameDType(name, this, o);
        Shapes.broadcast(name, shape, o.shape);
        return result(name, () -> {
            try (TfRuntime.EagerCall call = runtime.op(op)) {
                return call.input(handle).input(o.handle).type("T", dtype).execute1();
            }
        });
    }

    /** {@code this op value}, or {@code value op this} when {@code scalarFirst}. */
    private Tensor withScalar(String op, String name, double value, boolean scalarFirst) {
        checkUsable();
        return result(name, () -> {
            TFE_TensorHandle s = runtime.scalar(dtype, value);
            try (TfRuntime.EagerCall call = runtime.op(op)) {
                if (scalarFirst) {
                    call.input(s).input(handle);
                } else {
                    call.input(handle).input(s);
                }
                return call.type("T", dtype).execute1();
            } finally {
                runtime.delete(s);
            }
        });
    }

    private Tensor result(String op, Supplier<TFE_TensorHandle> producer) {
        return backend.adopt(op, producer, backend.currentScope());
    }

    private int axis(String op, int axis) {
        checkUsable();
        return Shapes.axis(op, axis, shape);
    }
}

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
 * {@link TfScope} or {@link TfStore} ({@link TfOwner}). Every operation validates shapes, dtypes and
 * axes in Java first, with fm-api's shared rules ({@link Shapes}, {@link TensorChecks},
 * {@link TfShapeRules}), so mistakes surface as {@link ShapeMismatchException} or
 * {@link IllegalArgumentException} naming the shapes rather than as native errors; then runs eager
 * TensorFlow operations ({@code AddV2}, {@code RealDiv}, {@code Sum}, {@code ConcatV2},
 * {@code GatherV2}, {@code Slice}, {@code Cast}, {@code Sigmoid}, {@code MatMul}, {@code BiasAdd},
 * {@code OneHot}, ...) and gives the result to the calling thread's current scope, deleting any
 * intermediate handle. Scalar operands are made in this tensor's precision, so a scalar never
 * promotes the result's dtype.
 *
 * <p><b>While a function is traced</b> on the calling thread ({@link TfTrace}), operations on this
 * tensor do not run: the trace captures the tensor and the operation becomes a graph operation on a
 * {@link TfSymbol}, so a traced function may use the weights it closes over like its arguments.
 * Reading values ({@link #item()}, {@link #toFloatArray()}) still works: this tensor has them.
 *
 * <p>Shape and dtype are read once at construction. Confined to the thread that made it (a store's
 * tensors to one thread at a time).
 */
final class TfTensor implements Tensor {
    private final TfBackend backend;
    private final TfRuntime runtime;
    private final TFE_TensorHandle handle;
    private final int[] shape;
    private final DType dtype;
    private TfOwner owner;
    private boolean closed;

    TfTensor(TfBackend backend, TFE_TensorHandle handle, int[] shape, DType dtype, TfOwner owner) {
        this.backend = backend;
        this.runtime = backend.runtime();
        this.handle = handle;
        this.shape = shape;
        this.dtype = dtype;
        this.owner = owner;
    }

    TFE_TensorHandle handle() {
        return handle;
    }

    /** @return the scope or store that owns the handle */
    TfOwner owner() {
        return owner;
    }

    void moveTo(TfOwner newOwner) {
        owner = newOwner;
    }

    boolean isClosed() {
        return closed;
    }

    /** Frees the handle because the owning scope or store closes. */
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
        TfSymbol traced = traced();
        return traced != null ? traced.add(other) : binary("AddV2", "add", other);
    }

    @Override
    public Tensor sub(Tensor other) {
        TfSymbol traced = traced();
        return traced != null ? traced.sub(other) : binary("Sub", "sub", other);
    }

    @Override
    public Tensor mul(Tensor other) {
        TfSymbol traced = traced();
        return traced != null ? traced.mul(other) : binary("Mul", "mul", other);
    }

    @Override
    public Tensor div(Tensor other) {
        TfSymbol traced = traced();
        return traced != null ? traced.div(other) : binary("RealDiv", "div", other);
    }

    @Override
    public Tensor add(double value) {
        TfSymbol traced = traced();
        return traced != null ? traced.add(value) : withScalar("AddV2", "add", value, false);
    }

    @Override
    public Tensor sub(double value) {
        TfSymbol traced = traced();
        return traced != null ? traced.sub(value) : withScalar("Sub", "sub", value, false);
    }

    @Override
    public Tensor mul(double value) {
        TfSymbol traced = traced();
        return traced != null ? traced.mul(value) : withScalar("Mul", "mul", value, false);
    }

    @Override
    public Tensor div(double value) {
        TfSymbol traced = traced();
        return traced != null ? traced.div(value) : withScalar("RealDiv", "div", value, false);
    }

    @Override
    public Tensor rsub(double value) {
        TfSymbol traced = traced();
        return traced != null ? traced.rsub(value) : withScalar("Sub", "rsub", value, true);
    }

    @Override
    public Tensor neg() {
        TfSymbol traced = traced();
        return traced != null ? traced.neg() : unary("Neg");
    }

    @Override
    public Tensor abs() {
        TfSymbol traced = traced();
        return traced != null ? traced.abs() : unary("Abs");
    }

    @Override
    public Tensor exp() {
        TfSymbol traced = traced();
        return traced != null ? traced.exp() : unary("Exp");
    }

    @Override
    public Tensor log() {
        TfSymbol traced = traced();
        return traced != null ? traced.log() : unary("Log");
    }

    @Override
    public Tensor sqrt() {
        TfSymbol traced = traced();
        return traced != null ? traced.sqrt() : unary("Sqrt");
    }

    @Override
    public Tensor sin() {
        TfSymbol traced = traced();
        return traced != null ? traced.sin() : unary("Sin");
    }

    @Override
    public Tensor cos() {
        TfSymbol traced = traced();
        return traced != null ? traced.cos() : unary("Cos");
    }

    @Override
    public Tensor tanh() {
        TfSymbol traced = traced();
        return traced != null ? traced.tanh() : unary("Tanh");
    }

    @Override
    public Tensor square() {
        TfSymbol traced = traced();
        return traced != null ? traced.square() : unary("Square");
    }

    @Override
    public Tensor pow(double exponent) {
        TfSymbol traced = traced();
        return traced != null ? traced.pow(exponent) : withScalar("Pow", "pow", exponent, false);
    }

    // ---------------------------------------------------------------- activations and layers

    @Override
    public Tensor sigmoid() {
        TfSymbol traced = traced();
        return traced != null ? traced.sigmoid() : unary("Sigmoid");
    }

    @Override
    public Tensor relu() {
        TfSymbol traced = traced();
        return traced != null ? traced.relu() : unary("Relu");
    }

    @Override
    public Tensor softplus() {
        TfSymbol traced = traced();
        return traced != null ? traced.softplus() : unary("Softplus");
    }

    /** {@code Sigmoid} then {@code Mul}; the intermediate handle is deleted before returning. */
    @Override
    public Tensor silu() {
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.silu();
        }
        checkUsable();
        return result("silu", () -> {
            TFE_TensorHandle sig;
            try (TfRuntime.EagerCall call = runtime.op("Sigmoid")) {
                sig = call.input(handle).type("T", dtype).execute1();
            }
            try (TfRuntime.EagerCall call = runtime.op("Mul")) {
                return call.input(handle).input(sig).type("T", dtype).execute1();
            } finally {
                runtime.delete(sig);
            }
        });
    }

    @Override
    public Tensor minimum(double value) {
        TfSymbol traced = traced();
        return traced != null ? traced.minimum(value) : withScalar("Minimum", "minimum", value, false);
    }

    @Override
    public Tensor maximum(double value) {
        TfSymbol traced = traced();
        return traced != null ? traced.maximum(value) : withScalar("Maximum", "maximum", value, false);
    }

    @Override
    public Tensor matmul(Tensor other) {
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.matmul(other);
        }
        checkUsable();
        TfTensor o = backend.unwrap(other, "other");
        TensorChecks.requireSameDType("matmul", this, o);
        TfShapeRules.matmul(shape, o.shape);
        return result("matmul", () -> matMul(handle, o.handle, false));
    }

    /** {@code MatMul} with {@code transpose_b}, then {@code BiasAdd} when there is a bias. */
    @Override
    public Tensor linear(Tensor weight, Tensor bias) {
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.linear(weight, bias);
        }
        checkUsable();
        TfTensor w = backend.unwrap(weight, "weight");
        TfTensor b = bias == null ? null : backend.unwrap(bias, "bias");
        TensorChecks.requireSameDType("linear", this, w);
        if (b != null) {
            TensorChecks.requireSameDType("linear", this, b);
        }
        TfShapeRules.linear(shape, w.shape, b == null ? null : b.shape);
        return result("linear", () -> {
            TFE_TensorHandle z = matMul(handle, w.handle, true);
            if (b == null) {
                return z;
            }
            try (TfRuntime.EagerCall call = runtime.op("BiasAdd")) {
                return call.input(z).input(b.handle).type("T", dtype).execute1();
            } finally {
                runtime.delete(z);
            }
        });
    }

    /**
     * {@code Cast} to int32, then {@code OneHot}. The ids are read back and checked first (whole
     * numbers in {@code [0, classes)}): TensorFlow would silently give a zero row for an id out of
     * range and truncate a fraction.
     */
    @Override
    public Tensor oneHot(int classes) {
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.oneHot(classes);
        }
        checkUsable();
        TfShapeRules.oneHot(shape, classes);
        double[] ids = toDoubleArray();
        for (int i = 0; i < ids.length; i++) {
            double id = ids[i];
            if (!(id >= 0 && id < classes && id == Math.rint(id))) {
                throw new IllegalArgumentException("oneHot: class id " + id + " at position " + i
                        + " is not a whole number in [0, " + classes + ")");
            }
        }
        return result("oneHot", () -> {
            TFE_TensorHandle idx;
            try (TfRuntime.EagerCall call = runtime.op("Cast")) {
                idx = call.input(handle).type("SrcT", dtype).int32("DstT").bool("Truncate", false).execute1();
            }
            TFE_TensorHandle depth = null;
            TFE_TensorHandle on = null;
            TFE_TensorHandle off = null;
            try {
                depth = runtime.intScalar(classes);
                on = runtime.scalar(dtype, 1);
                off = runtime.scalar(dtype, 0);
                try (TfRuntime.EagerCall call = runtime.op("OneHot")) {
                    return call.input(idx).input(depth).input(on).input(off).type("T", dtype).int32("TI")
                            .integer("axis", -1).execute1();
                }
            } finally {
                runtime.delete(idx);
                runtime.delete(depth);
                runtime.delete(on);
                runtime.delete(off);
            }
        });
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Tensor sum(int axis, boolean keepDim) {
        TfSymbol traced = traced();
        return traced != null ? traced.sum(axis, keepDim) : reduce("Sum", new int[] {axis("sum", axis)}, keepDim);
    }

    @Override
    public Tensor mean(int axis, boolean keepDim) {
        TfSymbol traced = traced();
        return traced != null ? traced.mean(axis, keepDim) : reduce("Mean", new int[] {axis("mean", axis)}, keepDim);
    }

    @Override
    public Tensor max(int axis, boolean keepDim) {
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.max(axis, keepDim);
        }
        int ax = axis("max", axis);
        Shapes.requireNonEmptyAxis("max", shape, ax);
        return reduce("Max", new int[] {ax}, keepDim);
    }

    @Override
    public Tensor min(int axis, boolean keepDim) {
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.min(axis, keepDim);
        }
        int ax = axis("min", axis);
        Shapes.requireNonEmptyAxis("min", shape, ax);
        return reduce("Min", new int[] {ax}, keepDim);
    }

    @Override
    public Tensor sum() {
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.sum();
        }
        checkUsable();
        return reduce("Sum", allAxes(), false);
    }

    @Override
    public Tensor mean() {
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.mean();
        }
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
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.reshape(newShape);
        }
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
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.concat(other, axis);
        }
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
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.gatherRows(rows);
        }
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
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.slice(axis, start, end);
        }
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
        TfSymbol traced = traced();
        if (traced != null) {
            return traced.toDType(target);
        }
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
        owner.remove(this);
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

    /** @return the symbol standing for this tensor in the function being traced on this thread, or null */
    private TfSymbol traced() {
        TfTrace trace = backend.activeTrace();
        return trace == null ? null : trace.capture(this);
    }

    private TFE_TensorHandle matMul(TFE_TensorHandle a, TFE_TensorHandle b, boolean transposeB) {
        try (TfRuntime.EagerCall call = runtime.op("MatMul")) {
            return call.input(a).input(b).type("T", dtype).bool("transpose_a", false).bool("transpose_b", transposeB)
                    .execute1();
        }
    }

    private Tensor result(String op, Supplier<TFE_TensorHandle> producer) {
        return backend.adopt(op, producer, backend.currentScope());
    }

    private int axis(String op, int axis) {
        checkUsable();
        return Shapes.axis(op, axis, shape);
    }
}

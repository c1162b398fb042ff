package org.fmjvm.backend.tf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Shapes;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.backend.TensorChecks;

/**
 * A {@link Tensor} of the {@code tf} backend, eager ({@link TfTensor}) or symbolic
 * ({@link TfSymbol}): fm-api's op set written once over a {@link TfEmitter}, so that both run the
 * same TensorFlow kernels with the same attributes ({@code AddV2}, {@code RealDiv}, {@code MatMul}
 * with {@code transpose_b} and {@code BiasAdd} for {@code linear}, {@code x * Sigmoid(x)} for
 * {@code silu}, {@code Sum}/{@code Mean}/{@code Max}/{@code Min} with {@code keep_dims},
 * {@code ConcatV2}, {@code GatherV2}, {@code Slice}, {@code Cast}, {@code OneHot}, ...): a traced
 * function computes what the same code computes eagerly.
 *
 * <p>Every operation first picks the value it runs on ({@link #on}: an eager tensor used while a
 * function is traced on the thread runs as its capture in that trace), then checks shapes, dtypes
 * and axes in Java with {@link TfShapeRules} (fm-api's rules and messages; an unknown symbolic
 * length agrees with any length), so mistakes surface as {@code ShapeMismatchException} or
 * {@link IllegalArgumentException} naming the shapes rather than as native errors. Scalar operands
 * are made in this tensor's dtype, so a scalar never promotes the result.
 *
 * <p>Shape and dtype are fixed at construction (a symbol's lengths may be {@code -1}). Confined to
 * one thread, as its subclasses say.
 *
 * @param <H> what refers to the tensor in operations: an eager handle or a graph output
 */
abstract sealed class TfValue<H> implements Tensor permits TfTensor, TfSymbol {
    final TfBackend backend;
    final int[] shape;
    final DType dtype;

    TfValue(TfBackend backend, int[] shape, DType dtype) {
        this.backend = backend;
        this.shape = shape;
        this.dtype = dtype;
    }

    /** @return what refers to this tensor as an input of operations */
    abstract H handle();

    /**
     * @return the value operations on this tensor run on: itself, or for an eager tensor while a
     *     function is traced on this thread, its capture in the trace
     * @throws IllegalStateException if this tensor cannot be used (closed, or its trace ended)
     */
    abstract TfValue<?> on();

    /**
     * @param other another operand of an operation on this value
     * @param what what it is called in messages
     * @return it as a value of the same kind, after checking it belongs here
     */
    abstract TfValue<H> peer(Tensor other, String what);

    /**
     * @param body operations on this value's emitter
     * @return their result as a tensor of the same kind (an eager one in the current scope)
     */
    abstract Tensor emit(Function<TfEmitter<H>, H> body);

    /**
     * Checks the class ids of {@link #oneHot} where they have values; TensorFlow itself gives a
     * zero row for an id out of range and truncates a fraction. Symbols have no values to check.
     */
    void requireClassIds(int classes) {
        // nothing to check without values
    }

    // ---------------------------------------------------------------- description

    @Override
    public final Backend backend() {
        return backend;
    }

    @Override
    public final DType dtype() {
        return dtype;
    }

    @Override
    public final int[] shape() {
        return shape.clone();
    }

    @Override
    public final int rank() {
        return shape.length;
    }

    @Override
    public int size() {
        return Shapes.size(shape);
    }

    // ---------------------------------------------------------------- arithmetic

    @Override
    public final Tensor add(Tensor other) {
        return on().binary("add", "AddV2", other);
    }

    @Override
    public final Tensor sub(Tensor other) {
        return on().binary("sub", "Sub", other);
    }

    @Override
    public final Tensor mul(Tensor other) {
        return on().binary("mul", "Mul", other);
    }

    @Override
    public final Tensor div(Tensor other) {
        return on().binary("div", "RealDiv", other);
    }

    @Override
    public final Tensor add(double value) {
        return on().withScalar("AddV2", value, false);
    }

    @Override
    public final Tensor sub(double value) {
        return on().withScalar("Sub", value, false);
    }

    @Override
    public final Tensor mul(double value) {
        return on().withScalar("Mul", value, false);
    }

    @Override
    public final Tensor div(double value) {
        return on().withScalar("RealDiv", value, false);
    }

    @Override
    public final Tensor rsub(double value) {
        return on().withScalar("Sub", value, true);
    }

    @Override
    public final Tensor neg() {
        return on().unary("Neg");
    }

    @Override
    public final Tensor abs() {
        return on().unary("Abs");
    }

    @Override
    public final Tensor exp() {
        return on().unary("Exp");
    }

    @Override
    public final Tensor log() {
        return on().unary("Log");
    }

    @Override
    public final Tensor sqrt() {
        return on().unary("Sqrt");
    }

    @Override
    public final Tensor sin() {
        return on().unary("Sin");
    }

    @Override
    public final Tensor cos() {
        return on().unary("Cos");
    }

    @Override
    public final Tensor tanh() {
        return on().unary("Tanh");
    }

    @Override
    public final Tensor square() {
        return on().unary("Square");
    }

    @Override
    public final Tensor pow(double exponent) {
        return on().withScalar("Pow", exponent, false);
    }

    // ---------------------------------------------------------------- activations and layers

    @Override
    public final Tensor sigmoid() {
        return on().unary("Sigmoid");
    }

    @Override
    public final Tensor relu() {
        return on().unary("Relu");
    }

    @Override
    public final Tensor softplus() {
        return on().unary("Softplus");
    }

    /** {@code x * Sigmoid(x)}, which TensorFlow differentiates. */
    @Override
    public final Tensor silu() {
        return on().emitSilu();
    }

    @Override
    public final Tensor minimum(double value) {
        return on().withScalar("Minimum", value, false);
    }

    @Override
    public final Tensor maximum(double value) {
        return on().withScalar("Maximum", value, false);
    }

    @Override
    public final Tensor matmul(Tensor other) {
        return on().emitMatmul(other);
    }

    /** {@code MatMul} with {@code transpose_b}, then {@code BiasAdd} when there is a bias. */
    @Override
    public final Tensor linear(Tensor weight, Tensor bias) {
        return on().emitLinear(weight, bias);
    }

    /**
     * {@code Cast} to int32, then {@code OneHot}. Eager ids are read back and checked first (whole
     * numbers in {@code [0, classes)}); symbolic ids cannot be checked while tracing, so there an id
     * out of range gives a row of zeros (TensorFlow's rule) and a fraction is truncated.
     */
    @Override
    public final Tensor oneHot(int classes) {
        return on().emitOneHot(classes);
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public final Tensor sum(int axis, boolean keepDim) {
        return on().reduce("sum", "Sum", axis, keepDim, false);
    }

    @Override
    public final Tensor mean(int axis, boolean keepDim) {
        return on().reduce("mean", "Mean", axis, keepDim, false);
    }

    @Override
    public final Tensor max(int axis, boolean keepDim) {
        return on().reduce("max", "Max", axis, keepDim, true);
    }

    @Override
    public final Tensor min(int axis, boolean keepDim) {
        return on().reduce("min", "Min", axis, keepDim, true);
    }

    @Override
    public final Tensor sum() {
        return on().reduceAll("Sum");
    }

    @Override
    public final Tensor mean() {
        return on().reduceAll("Mean");
    }

    // ---------------------------------------------------------------- shapes

    @Override
    public final Tensor reshape(int... newShape) {
        return on().emitReshape(newShape);
    }

    @Override
    public final Tensor concat(Tensor other, int axis) {
        return on().join(List.of(this, other), axis, i -> "other");
    }

    /**
     * One {@code ConcatV2} of any number of parts (a new reference to the values for one part);
     * {@link TfBackend#concat} calls it on its first part.
     *
     * @param parts the parts, this tensor first
     * @param axis the axis to join along
     * @return the joined tensor
     */
    final Tensor concatAll(List<Tensor> parts, int axis) {
        return on().join(parts, axis, i -> "parts[" + i + "]");
    }

    @Override
    public final Tensor gatherRows(int[] rows) {
        return on().emitGatherRows(rows.clone());
    }

    @Override
    public final Tensor slice(int axis, int start, int end) {
        return on().emitSlice(axis, start, end);
    }

    @Override
    public final Tensor toDType(DType target) {
        return on().emitCast(target);
    }

    // ---------------------------------------------------------------- the operations, on on()

    private Tensor unary(String type) {
        return emit(e -> e.op(type).input(handle()).type("T", dtype).build());
    }

    private Tensor binary(String name, String type, Tensor other) {
        TfValue<H> o = peer(other, "other");
        TensorChecks.requireSameDType(name, this, o);
        TfShapeRules.broadcast(name, shape, o.shape);
        return emit(e -> e.op(type).input(handle()).input(o.handle()).type("T", dtype).build());
    }

    /** {@code this type value}, or {@code value type this} when {@code scalarFirst}. */
    private Tensor withScalar(String type, double value, boolean scalarFirst) {
        return emit(e -> {
            H s = e.scalar(dtype, value);
            TfEmitter.Call<H> call = e.op(type);
            if (scalarFirst) {
                call.input(s).input(handle());
            } else {
                call.input(handle()).input(s);
            }
            return call.type("T", dtype).build();
        });
    }

    private Tensor emitSilu() {
        return emit(e -> {
            H sig = e.op("Sigmoid").input(handle()).type("T", dtype).build();
            return e.op("Mul").input(handle()).input(sig).type("T", dtype).build();
        });
    }

    private Tensor emitMatmul(Tensor other) {
        TfValue<H> o = peer(other, "other");
        TensorChecks.requireSameDType("matmul", this, o);
        Shapes.matmul(shape, o.shape);
        return emit(e -> matMul(e, o, false));
    }

    private Tensor emitLinear(Tensor weight, Tensor bias) {
        TfValue<H> w = peer(weight, "weight");
        TfValue<H> b = bias == null ? null : peer(bias, "bias");
        TensorChecks.requireSameDType("linear", this, w);
        if (b != null) {
            TensorChecks.requireSameDType("linear", this, b);
        }
        Shapes.linear(shape, w.shape, b == null ? null : b.shape);
        return emit(e -> {
            H z = matMul(e, w, true);
            return b == null ? z : e.op("BiasAdd").input(z).input(b.handle()).type("T", dtype).build();
        });
    }

    private H matMul(TfEmitter<H> e, TfValue<H> b, boolean transposeB) {
        return e.op("MatMul").input(handle()).input(b.handle()).type("T", dtype).bool("transpose_a", false)
                .bool("transpose_b", transposeB).build();
    }

    private Tensor emitOneHot(int classes) {
        Shapes.oneHot(shape, classes);
        requireClassIds(classes);
        return emit(e -> {
            H ids = e.op("Cast").input(handle()).type("SrcT", dtype).int32("DstT").bool("Truncate", false).build();
            H depth = e.intScalar(classes);
            H on = e.scalar(dtype, 1);
            H off = e.scalar(dtype, 0);
            return e.op("OneHot").input(ids).input(depth).input(on).input(off).type("T", dtype).int32("TI")
                    .integer("axis", -1).build();
        });
    }

    /** A reduction over one axis; {@code needsElements} for those without an identity (max, min). */
    private Tensor reduce(String name, String type, int axis, boolean keepDim, boolean needsElements) {
        int ax = needsElements ? TfShapeRules.nonEmptyAxis(name, axis, shape) : Shapes.axis(name, axis, shape);
        return reduce(type, new int[] {ax}, keepDim);
    }

    private Tensor reduceAll(String type) {
        int[] axes = new int[shape.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return reduce(type, axes, false);
    }

    private Tensor reduce(String type, int[] axes, boolean keepDim) {
        return emit(e -> {
            H ax = e.ints(axes);
            return e.op(type).input(handle()).input(ax).type("T", dtype).int32("Tidx").bool("keep_dims", keepDim)
                    .build();
        });
    }

    private Tensor emitReshape(int[] newShape) {
        int[] target = TfShapeRules.reshape(shape, newShape);
        return emit(e -> {
            H s = e.ints(target);
            return e.op("Reshape").input(handle()).input(s).type("T", dtype).int32("Tshape").build();
        });
    }

    /** Part 0 is this value; the others are checked against it and named by {@code names}. */
    private Tensor join(List<Tensor> parts, int axis, IntFunction<String> names) {
        List<H> handles = new ArrayList<>(parts.size());
        handles.add(handle());
        int ax = parts.size() == 1 ? Shapes.axis("concat", axis, shape) : 0;
        for (int i = 1; i < parts.size(); i++) {
            TfValue<H> part = peer(parts.get(i), names.apply(i));
            TensorChecks.requireSameDType("concat", this, part);
            ax = TfShapeRules.concatAxis(shape, part.shape, axis);
            handles.add(part.handle());
        }
        if (handles.size() == 1) {
            return emit(e -> e.identity(handle()));
        }
        int joinAxis = ax;
        return emit(e -> {
            H a = e.intScalar(joinAxis);
            return e.op("ConcatV2").inputList(handles).input(a).type("T", dtype).integer("N", handles.size())
                    .int32("Tidx").build();
        });
    }

    private Tensor emitGatherRows(int[] index) {
        TfShapeRules.requireRows(shape, index);
        return emit(e -> {
            H idx = e.ints(index);
            H zero = e.intScalar(0);
            return e.op("GatherV2").input(handle()).input(idx).input(zero).type("Tparams", dtype).int32("Tindices")
                    .int32("Taxis").integer("batch_dims", 0).build();
        });
    }

    /** {@code Slice} from {@code start} on the axis, whole elsewhere (size {@code -1} where unknown). */
    private Tensor emitSlice(int axis, int start, int end) {
        int ax = TfShapeRules.sliceAxis(shape, axis, start, end);
        int[] begin = new int[shape.length];
        int[] size = shape.clone();
        begin[ax] = start;
        size[ax] = end - start;
        return emit(e -> {
            H b = e.ints(begin);
            H s = e.ints(size);
            return e.op("Slice").input(handle()).input(b).input(s).type("T", dtype).int32("Index").build();
        });
    }

    private Tensor emitCast(DType target) {
        if (target == dtype) {
            return emit(e -> e.identity(handle()));
        }
        return emit(e -> e.op("Cast").input(handle()).type("SrcT", dtype).type("DstT", target).bool("Truncate", false)
                .build());
    }
}

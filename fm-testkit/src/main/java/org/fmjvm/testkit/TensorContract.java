package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fmjvm.testkit.Checks.FLOAT32_TOL;
import static org.fmjvm.testkit.Checks.FLOAT64_TOL;
import static org.fmjvm.testkit.Checks.assertClose;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link Tensor} operation of a backend against plain-Java float64 results: arithmetic with
 * NumPy broadcasting and with scalars, the elementwise functions, reductions over each axis (with
 * and without {@code keepDim}, negative axes), reshapes, joins, row gathers, slices, type
 * conversion and host copies in row-major order. Bad shapes must fail with
 * {@link ShapeMismatchException} before reaching native code.
 *
 * <p>Float32 results must be within 1e-5 relative (to {@code max(1, |x|)})
 * of the float64 reference computed from the same float32 inputs; float64 results within
 * 1e-12. Each test runs inside its own scope and must leave
 * {@link Backend#liveTensors()} where it found it.
 *
 * <p>Subclass it once per backend and implement {@link #createBackend()}.
 */
public abstract class TensorContract extends ScopedBackendSuite {
    private Rng rng;

    /** Gives every test the same random inputs, whatever ran before it. */
    @BeforeEach
    public final void reseed() {
        rng = Rng.seeded(20240611L);
    }

    private Tensor tensor(HostArray a) {
        return backend().fromArray(a.floats(), a.shape);
    }

    private Tensor tensor64(HostArray a) {
        return backend().fromArray(a.data, a.shape);
    }

    private HostArray values(double low, double high, int... shape) {
        return HostArray.random(rng, low, high, true, shape);
    }

    private HostArray positive(double low, double high, int... shape) {
        return HostArray.random(rng, low, high, false, shape);
    }

    // ---------------------------------------------------------------- creation and host copies

    /** fromArray(float[]) keeps the values and their row-major order; the shape accessors agree. */
    @Test
    public void fromFloatArrayRoundTripsInRowMajorOrder() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = backend().fromArray(data, 2, 3);
        assertThat(t.backend()).isSameAs(backend());
        assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(t.shape()).containsExactly(2, 3);
        assertThat(t.rank()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(6);
        assertThat(t.dim(0)).isEqualTo(2);
        assertThat(t.dim(1)).isEqualTo(3);
        assertThat(t.dim(-1)).isEqualTo(3);
        assertThat(t.dim(-2)).isEqualTo(2);
        assertThat(t.toFloatArray()).containsExactly(data);
        assertThat(t.toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    /** shape() returns a copy. */
    @Test
    public void shapeIsACopy() {
        Tensor t = backend().fromArray(new float[] {1, 2}, 2, 1);
        t.shape()[0] = 7;
        assertThat(t.shape()).containsExactly(2, 1);
    }

    /** The input array is copied: changing it afterwards does not change the tensor. */
    @Test
    public void fromArrayCopiesItsInput() {
        float[] data = {1, 2, 3};
        Tensor t = backend().fromArray(data, 3);
        data[0] = 42;
        assertThat(t.toFloatArray()).containsExactly(1, 2, 3);
    }

    /** fromArray(double[]) makes a float64 tensor holding the exact values. */
    @Test
    public void fromDoubleArrayIsFloat64AndExact() {
        double[] data = {Math.PI, -1e-300, 1.0 / 3, 12345678.123456789, 0, -2.5};
        Tensor t = backend().fromArray(data, 3, 2);
        assertThat(t.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(t.shape()).containsExactly(3, 2);
        assertThat(t.toDoubleArray()).containsExactly(data);
        float[] f = t.toFloatArray();
        for (int i = 0; i < data.length; i++) {
            assertThat(f[i]).isEqualTo((float) data[i]);
        }
    }

    /** fromArray(double[], dtype) keeps the values in float64 and rounds them in float32. */
    @Test
    public void fromDoubleArrayTakesTheRequestedDType() {
        double[] data = {Math.PI, -1e-300, 1.0 / 3, 2.5};
        Tensor wide = backend().fromArray(data, DType.FLOAT64, 4, 1);
        Tensor narrow = backend().fromArray(data, DType.FLOAT32, 4, 1);
        assertThat(wide.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(wide.toDoubleArray()).containsExactly(data);
        assertThat(narrow.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(narrow.shape()).containsExactly(4, 1);
        float[] f = narrow.toFloatArray();
        for (int i = 0; i < data.length; i++) {
            assertThat(f[i]).isEqualTo((float) data[i]);
        }
    }

    /** A scalar-shaped tensor ({@code []}) has one element. */
    @Test
    public void scalarShapedTensor() {
        Tensor s = backend().fromArray(new float[] {2.5f});
        assertThat(s.shape()).isEmpty();
        assertThat(s.rank()).isZero();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.item()).isEqualTo(2.5);
    }

    /** A wrong element count is rejected with a ShapeMismatchException. */
    @Test
    public void fromArrayRejectsWrongElementCount() {
        assertThatThrownBy(() -> backend().fromArray(new float[5], 2, 3)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("5").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> backend().fromArray(new double[7], 2, 3)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("7");
    }

    /** full() fills a float32 tensor. */
    @Test
    public void fullFillsFloat32() {
        Tensor t = backend().full(-1.25, 3, 2);
        assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(t.shape()).containsExactly(3, 2);
        assertThat(t.toFloatArray()).containsOnly(-1.25f).hasSize(6);
        Tensor s = backend().full(0.1);
        assertThat(s.shape()).isEmpty();
        assertThat(s.item()).isEqualTo((float) 0.1);
    }

    /** item() reads the single element and rejects larger tensors. */
    @Test
    public void itemReadsOneElementAndRejectsMore() {
        assertThat(backend().fromArray(new float[] {-3.5f}, 1, 1).item()).isEqualTo(-3.5);
        assertThat(backend().fromArray(new double[] {Math.E}, 1).item()).isEqualTo(Math.E);
        Tensor two = backend().fromArray(new float[] {1, 2}, 2);
        assertThatThrownBy(two::item).isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[2]");
    }

    // ---------------------------------------------------------------- binary arithmetic

    /** The four tensor-tensor operations. */
    public enum BinaryOp {
        /** add */
        ADD(Tensor::add, (a, b) -> a + b),
        /** sub */
        SUB(Tensor::sub, (a, b) -> a - b),
        /** mul */
        MUL(Tensor::mul, (a, b) -> a * b),
        /** div */
        DIV(Tensor::div, (a, b) -> a / b);

        final java.util.function.BinaryOperator<Tensor> op;
        final DoubleBinaryOperator ref;

        BinaryOp(java.util.function.BinaryOperator<Tensor> op, DoubleBinaryOperator ref) {
            this.op = op;
            this.ref = ref;
        }
    }

    static Stream<Arguments> broadcastCases() {
        int[][][] shapes = {
            {{4, 3}, {4, 3}},
            {{4, 1}, {4, 3}},
            {{4, 3}, {4, 1}},
            {{3}, {4, 3}},
            {{4, 3}, {3}},
            {{}, {4, 3}},
            {{4, 3}, {}},
            {{1, 3}, {4, 3}},
            {{4, 1}, {1, 3}},
            {{2, 1, 3}, {4, 1}},
            {{}, {}},
        };
        List<Arguments> out = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            for (int[][] s : shapes) {
                out.add(Arguments.of(op, s[0], s[1]));
            }
        }
        return out.stream();
    }

    /** Tensor-tensor arithmetic follows NumPy broadcasting, in float32. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("broadcastCases")
    public void binaryOpsBroadcast(BinaryOp op, int[] shapeA, int[] shapeB) {
        HostArray a = values(0.1, 2, shapeA);
        HostArray b = values(0.5, 2, shapeB);
        Tensor ta = tensor(a);
        Tensor tb = tensor(b);
        Tensor r = op.op.apply(ta, tb);
        assertThat(r.dtype()).isEqualTo(DType.FLOAT32);
        assertClose(op + " " + a + " " + b, r, a.zip(b, op.ref), FLOAT32_TOL);
        // operands are never modified
        assertThat(ta.toFloatArray()).containsExactly(a.floats());
        assertThat(tb.toFloatArray()).containsExactly(b.floats());
    }

    /** Tensor-tensor arithmetic in float64 keeps float64 precision. */
    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    public void binaryOpsInFloat64(BinaryOp op) {
        HostArray a = values(0.1, 2, 5, 1);
        HostArray b = values(0.5, 2, 5, 2);
        Tensor r = op.op.apply(tensor64(a), tensor64(b));
        assertThat(r.dtype()).isEqualTo(DType.FLOAT64);
        assertClose(op + " float64", r, a.zip(b, op.ref), FLOAT64_TOL);
    }

    static Stream<Arguments> mismatchedShapes() {
        return Stream.of(
                Arguments.of(new int[] {4, 3}, new int[] {5, 3}),
                Arguments.of(new int[] {4, 3}, new int[] {4}),
                Arguments.of(new int[] {4, 3}, new int[] {2, 3, 3}),
                Arguments.of(new int[] {2}, new int[] {3}));
    }

    /** Shapes that do not broadcast fail with ShapeMismatchException naming both shapes. */
    @ParameterizedTest
    @MethodSource("mismatchedShapes")
    public void binaryOpsRejectMismatchedShapes(int[] shapeA, int[] shapeB) {
        Tensor a = tensor(values(0.5, 1, shapeA));
        Tensor b = tensor(values(0.5, 1, shapeB));
        for (BinaryOp op : BinaryOp.values()) {
            assertThatThrownBy(() -> op.op.apply(a, b)).as(op.name()).isInstanceOf(ShapeMismatchException.class)
                    .hasMessageContaining(java.util.Arrays.toString(shapeA))
                    .hasMessageContaining(java.util.Arrays.toString(shapeB));
        }
    }

    /** Mixing float32 and float64 operands is an IllegalArgumentException, not a silent promotion. */
    @Test
    public void binaryOpsRejectMixedDTypes() {
        Tensor f = backend().fromArray(new float[] {1, 2}, 2);
        Tensor d = backend().fromArray(new double[] {1, 2}, 2);
        assertThatThrownBy(() -> f.add(d)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.mul(f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.concat(d, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A tensor of another backend is rejected with an IllegalArgumentException. */
    @Test
    public void foreignTensorsAreRejected() {
        Tensor mine = backend().fromArray(new float[] {1, 2}, 2);
        Tensor foreign = foreignTensor(new int[] {2});
        assertThatThrownBy(() -> mine.add(foreign)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mine.concat(foreign, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A stand-in tensor owned by no real backend. */
    private static Tensor foreignTensor(int[] shape) {
        return (Tensor) Proxy.newProxyInstance(TensorContract.class.getClassLoader(), new Class<?>[] {Tensor.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "shape":
                            return shape.clone();
                        case "dtype":
                            return DType.FLOAT32;
                        case "rank":
                            return shape.length;
                        case "size":
                            return org.fmjvm.api.Shapes.size(shape);
                        case "toString":
                            return "ForeignTensor";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "close":
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName() + " of a foreign test tensor");
                    }
                });
    }

    /** The scalar forms and rsub. */
    public enum ScalarOp {
        /** add */
        ADD((t, s) -> t.add(s), (a, s) -> a + s),
        /** sub */
        SUB((t, s) -> t.sub(s), (a, s) -> a - s),
        /** mul */
        MUL((t, s) -> t.mul(s), (a, s) -> a * s),
        /** div */
        DIV((t, s) -> t.div(s), (a, s) -> a / s),
        /** rsub: scalar minus tensor */
        RSUB((t, s) -> t.rsub(s), (a, s) -> s - a);

        final java.util.function.BiFunction<Tensor, Double, Tensor> op;
        final DoubleBinaryOperator ref;

        ScalarOp(java.util.function.BiFunction<Tensor, Double, Tensor> op, DoubleBinaryOperator ref) {
            this.op = op;
            this.ref = ref;
        }
    }

    /** Tensor-scalar arithmetic keeps the tensor's shape and dtype (also for scalar-shaped tensors). */
    @ParameterizedTest
    @EnumSource(ScalarOp.class)
    public void scalarOps(ScalarOp op) {
        for (double s : new double[] {1.75, -0.5, 1.0}) {
            for (int[] shape : new int[][] {{3, 2}, {}, {4}}) {
                HostArray a = values(0.1, 3, shape);
                Tensor r = op.op.apply(tensor(a), s);
                assertThat(r.dtype()).as(op + " dtype").isEqualTo(DType.FLOAT32);
                assertClose(op + " " + s + " " + a, r, a.map(x -> op.ref.applyAsDouble(x, s)), FLOAT32_TOL);
            }
            HostArray d = values(0.1, 3, 2, 2);
            Tensor r64 = op.op.apply(tensor64(d), s);
            assertThat(r64.dtype()).isEqualTo(DType.FLOAT64);
            assertClose(op + " float64", r64, d.map(x -> op.ref.applyAsDouble(x, s)), FLOAT64_TOL);
        }
    }

    // ---------------------------------------------------------------- elementwise functions

    /** The elementwise functions, with the input range each is tested on. */
    public enum UnaryOp {
        /** neg */
        NEG(Tensor::neg, x -> -x, false),
        /** abs */
        ABS(Tensor::abs, Math::abs, false),
        /** exp */
        EXP(Tensor::exp, Math::exp, false),
        /** log */
        LOG(Tensor::log, Math::log, true),
        /** sqrt */
        SQRT(Tensor::sqrt, Math::sqrt, true),
        /** sin */
        SIN(Tensor::sin, Math::sin, false),
        /** cos */
        COS(Tensor::cos, Math::cos, false),
        /** tanh */
        TANH(Tensor::tanh, Math::tanh, false),
        /** square */
        SQUARE(Tensor::square, x -> x * x, false),
        /** pow 2 */
        POW_2(t -> t.pow(2), x -> Math.pow(x, 2), false),
        /** pow 3 on negative and positive values */
        POW_3(t -> t.pow(3), x -> Math.pow(x, 3), false),
        /** pow 0.5 */
        POW_HALF(t -> t.pow(0.5), x -> Math.pow(x, 0.5), true),
        /** pow -1.5 */
        POW_MINUS_1_5(t -> t.pow(-1.5), x -> Math.pow(x, -1.5), true);

        final UnaryOperator<Tensor> op;
        final DoubleUnaryOperator ref;
        final boolean positiveOnly;

        UnaryOp(UnaryOperator<Tensor> op, DoubleUnaryOperator ref, boolean positiveOnly) {
            this.op = op;
            this.ref = ref;
            this.positiveOnly = positiveOnly;
        }
    }

    /** Every elementwise function against java.lang.Math, in float32 and float64. */
    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    public void unaryOps(UnaryOp op) {
        HostArray a = op.positiveOnly ? positive(0.05, 3, 4, 5) : values(0.01, 3, 4, 5);
        Tensor in = tensor(a);
        Tensor r = op.op.apply(in);
        assertThat(r.dtype()).isEqualTo(DType.FLOAT32);
        assertClose(op.name(), r, a.map(op.ref), FLOAT32_TOL);
        assertThat(in.toFloatArray()).as("operand unchanged").containsExactly(a.floats());
        Tensor r64 = op.op.apply(tensor64(a));
        assertThat(r64.dtype()).isEqualTo(DType.FLOAT64);
        assertClose(op.name() + " float64", r64, a.map(op.ref), FLOAT64_TOL);
    }

    // ---------------------------------------------------------------- reductions

    /** The axis reductions. */
    public enum Reduction {
        /** sum */
        SUM((t, ax, k) -> t.sum(ax, k), Double::sum, false),
        /** mean */
        MEAN((t, ax, k) -> t.mean(ax, k), Double::sum, true),
        /** max */
        MAX((t, ax, k) -> t.max(ax, k), Math::max, false),
        /** min */
        MIN((t, ax, k) -> t.min(ax, k), Math::min, false);

        final AxisOp op;
        final DoubleBinaryOperator combine;
        final boolean mean;

        Reduction(AxisOp op, DoubleBinaryOperator combine, boolean mean) {
            this.op = op;
            this.combine = combine;
            this.mean = mean;
        }
    }

    /** A reduction over one axis. */
    @FunctionalInterface
    interface AxisOp {
        Tensor apply(Tensor t, int axis, boolean keepDim);
    }

    static Stream<Arguments> reductionCases() {
        List<Arguments> out = new ArrayList<>();
        for (Reduction r : Reduction.values()) {
            for (int axis = -3; axis < 3; axis++) {
                out.add(Arguments.of(r, axis, false));
                out.add(Arguments.of(r, axis, true));
            }
        }
        return out.stream();
    }

    /** sum/mean/max/min over each axis of a [2, 3, 4] tensor, negative axes included. */
    @ParameterizedTest(name = "{0} axis {1} keepDim {2}")
    @MethodSource("reductionCases")
    public void reductionsOverEachAxis(Reduction r, int axis, boolean keepDim) {
        HostArray a = values(0.1, 2, 2, 3, 4);
        Tensor out = r.op.apply(tensor(a), axis, keepDim);
        assertThat(out.dtype()).isEqualTo(DType.FLOAT32);
        assertClose(r + " axis " + axis, out, a.reduce(axis, keepDim, r.combine, r.mean), FLOAT32_TOL);
        Tensor out64 = r.op.apply(tensor64(a), axis, keepDim);
        assertThat(out64.dtype()).isEqualTo(DType.FLOAT64);
        assertClose(r + " axis " + axis + " float64", out64, a.reduce(axis, keepDim, r.combine, r.mean),
                FLOAT64_TOL);
    }

    /** Reductions of a [B, 1] column over axis 1 give [B] (the divergence shape). */
    @Test
    public void reductionOfAColumn() {
        HostArray a = values(0.1, 2, 5, 1);
        assertClose("sum axis 1", tensor(a).sum(1, false), a.reduce(1, false, Double::sum, false), FLOAT32_TOL);
    }

    /** An axis out of range is an IllegalArgumentException. */
    @Test
    public void reductionRejectsBadAxis() {
        Tensor t = tensor(values(0.1, 2, 2, 3));
        assertThatThrownBy(() -> t.sum(2, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.mean(-3, true)).isInstanceOf(IllegalArgumentException.class);
    }

    /** sum() and mean() of everything give scalar-shaped tensors. */
    @Test
    public void sumAndMeanOfAll() {
        HostArray a = values(0.1, 2, 3, 4);
        double sum = 0;
        for (double x : a.data) {
            sum += x;
        }
        Tensor s = tensor(a).sum();
        assertThat(s.shape()).isEmpty();
        assertThat(s.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(s.item()).isCloseTo(sum, org.assertj.core.data.Offset.offset(FLOAT32_TOL * Math.max(1, Math.abs(sum))));
        Tensor m = tensor(a).mean();
        assertThat(m.shape()).isEmpty();
        assertThat(m.item()).isCloseTo(sum / 12, org.assertj.core.data.Offset.offset(FLOAT32_TOL));
        assertThat(tensor64(a).sum().item()).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(tensor64(a).mean().item()).isCloseTo(sum / 12, org.assertj.core.data.Offset.offset(1e-12));
    }

    // ---------------------------------------------------------------- shape manipulation

    /** reshape keeps row-major order; -1 is inferred. */
    @Test
    public void reshapeKeepsRowMajorOrder() {
        float[] data = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        Tensor t = backend().fromArray(data, 3, 4);
        Tensor r = t.reshape(2, 6);
        assertThat(r.shape()).containsExactly(2, 6);
        assertThat(r.toFloatArray()).containsExactly(data);
        assertThat(t.reshape(-1).shape()).containsExactly(12);
        assertThat(t.reshape(4, -1).shape()).containsExactly(4, 3);
        assertThat(t.reshape(-1, 2, 2).shape()).containsExactly(3, 2, 2);
        assertThat(t.reshape(-1, 2, 2).toFloatArray()).containsExactly(data);
        assertThat(t.shape()).as("operand unchanged").containsExactly(3, 4);
        Tensor one = backend().fromArray(new float[] {7}, 1, 1);
        assertThat(one.reshape().shape()).isEmpty();
        assertThat(one.reshape().item()).isEqualTo(7);
    }

    /** reshape to a different element count fails with ShapeMismatchException. */
    @Test
    public void reshapeRejectsWrongElementCount() {
        Tensor t = backend().fromArray(new float[6], 2, 3);
        assertThatThrownBy(() -> t.reshape(4, 2)).isInstanceOf(ShapeMismatchException.class);
        assertThatThrownBy(() -> t.reshape(4, -1)).isInstanceOf(ShapeMismatchException.class);
    }

    /** concat along axis 0 and 1 (and -1), row-major order of the result. */
    @Test
    public void concatAlongEachAxis() {
        Tensor a = backend().fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = backend().fromArray(new float[] {5, 6}, 1, 2);
        Tensor rows = a.concat(b, 0);
        assertThat(rows.shape()).containsExactly(3, 2);
        assertThat(rows.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        Tensor c = backend().fromArray(new float[] {7, 8}, 2, 1);
        Tensor cols = a.concat(c, 1);
        assertThat(cols.shape()).containsExactly(2, 3);
        assertThat(cols.toFloatArray()).containsExactly(1, 2, 7, 3, 4, 8);
        Tensor last = a.concat(c, -1);
        assertThat(last.toFloatArray()).containsExactly(1, 2, 7, 3, 4, 8);
        Tensor d64 = backend().fromArray(new double[] {1, 2}, 1, 2)
                .concat(backend().fromArray(new double[] {3, 4}, 1, 2), 0);
        assertThat(d64.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(d64.toDoubleArray()).containsExactly(1, 2, 3, 4);
    }

    /** concat with a mismatch off the join axis fails with ShapeMismatchException. */
    @Test
    public void concatRejectsMismatchedShapes() {
        Tensor a = backend().fromArray(new float[6], 2, 3);
        Tensor b = backend().fromArray(new float[4], 2, 2);
        assertThatThrownBy(() -> a.concat(b, 0)).isInstanceOf(ShapeMismatchException.class);
        Tensor c = backend().fromArray(new float[3], 3);
        assertThatThrownBy(() -> a.concat(c, 1)).isInstanceOf(ShapeMismatchException.class);
    }

    /** gatherRows selects rows in the given order, repeats allowed. */
    @Test
    public void gatherRowsWithRepeats() {
        Tensor t = backend().fromArray(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor g = t.gatherRows(new int[] {2, 0, 2, 1, 2});
        assertThat(g.shape()).containsExactly(5, 2);
        assertThat(g.toFloatArray()).containsExactly(20, 21, 0, 1, 20, 21, 10, 11, 20, 21);
        Tensor v = backend().fromArray(new double[] {5, 6, 7}, 3);
        assertThat(v.gatherRows(new int[] {1, 1}).toDoubleArray()).containsExactly(6, 6);
        assertThatThrownBy(() -> t.gatherRows(new int[] {0, 3}))
                .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.gatherRows(new int[] {-1}))
                .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class);
    }

    /** slice along axis 0 and 1; the result copies out in row-major order. */
    @Test
    public void sliceAlongEachAxis() {
        float[] data = {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23};
        Tensor t = backend().fromArray(data, 3, 4);
        Tensor rows = t.slice(0, 1, 3);
        assertThat(rows.shape()).containsExactly(2, 4);
        assertThat(rows.toFloatArray()).containsExactly(10, 11, 12, 13, 20, 21, 22, 23);
        Tensor cols = t.slice(1, 1, 3);
        assertThat(cols.shape()).containsExactly(3, 2);
        assertThat(cols.toFloatArray()).containsExactly(1, 2, 11, 12, 21, 22);
        assertThat(cols.toDoubleArray()).containsExactly(1, 2, 11, 12, 21, 22);
        Tensor last = t.slice(-1, 3, 4);
        assertThat(last.shape()).containsExactly(3, 1);
        assertThat(last.toFloatArray()).containsExactly(3, 13, 23);
        // a slice is a value: arithmetic on it sees only the selected elements
        assertThat(cols.mul(2).sum().item()).isEqualTo(2.0 * (1 + 2 + 11 + 12 + 21 + 22));
        assertThatThrownBy(() -> t.slice(1, 2, 5))
                .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.slice(0, 2, 1))
                .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class);
    }

    /** toDType converts both ways: widening is exact, narrowing rounds to nearest float. */
    @Test
    public void toDTypeBothWays() {
        float[] f = {1.1f, -2.5f, 3e-8f, 1e20f};
        Tensor t32 = backend().fromArray(f, 2, 2);
        Tensor t64 = t32.toDType(DType.FLOAT64);
        assertThat(t64.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(t64.shape()).containsExactly(2, 2);
        assertThat(t64.toDoubleArray()).containsExactly(1.1f, -2.5f, 3e-8f, 1e20f);
        double[] d = {Math.PI, -1.0 / 3, 1e-30, 123456.789};
        Tensor back = backend().fromArray(d, 4).toDType(DType.FLOAT32);
        assertThat(back.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(back.toFloatArray()).containsExactly((float) d[0], (float) d[1], (float) d[2], (float) d[3]);
        Tensor same = t32.toDType(DType.FLOAT32);
        assertThat(same.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(same.toFloatArray()).containsExactly(f);
        same.close();
        assertThat(t32.toFloatArray()).as("the source survives closing the converted tensor").containsExactly(f);
    }

    /** A closed tensor cannot be used. */
    @Test
    public void closedTensorCannotBeUsed() {
        Tensor t = backend().fromArray(new float[] {1, 2}, 2);
        t.close();
        assertThatThrownBy(t::toFloatArray).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.add(1)).isInstanceOf(IllegalStateException.class);
    }
}

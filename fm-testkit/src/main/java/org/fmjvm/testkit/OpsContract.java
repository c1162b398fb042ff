package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fmjvm.testkit.Checks.FLOAT32_TOL;
import static org.fmjvm.testkit.Checks.FLOAT64_TOL;
import static org.fmjvm.testkit.Checks.assertClose;
import static org.fmjvm.testkit.Checks.assertCloseScaled;
import static org.fmjvm.testkit.Checks.maxAbs;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.assertj.core.data.Offset;
import org.fmjvm.api.Backend;
import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.TensorStore;
import org.fmjvm.api.autodiff.CompiledFunction;
import org.fmjvm.api.autodiff.FunctionKind;
import org.fmjvm.api.autodiff.FusedAdam;
import org.fmjvm.api.autodiff.TensorFunction;
import org.fmjvm.api.autodiff.ValueAndGradients;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The op set a network needs and the gradient contract of {@link Backend}, against plain Java:
 *
 * <ul>
 *   <li>the values of {@code sigmoid, relu, softplus, silu, minimum, maximum, matmul, linear,
 *       oneHot} and of {@link Backend#concat(List, int)} in float32 (within 1e-5 relative to
 *       {@code max(1, |x|)} of the float64 result of the same inputs) and float64 (1e-12); bad
 *       shapes fail with {@link ShapeMismatchException} or {@link IllegalArgumentException} before
 *       any tensor is made;
 *   <li>{@link Backend#valueAndGradients} of scalar float64 functions built from the op set: the
 *       value equals the plain-Java value, and every gradient equals the central finite difference
 *       (step 1e-6) of the plain-Java function within 1e-6 relative;
 *   <li>{@link Backend#vjp} against finite differences, and the two divergence identities built on
 *       it: summing {@code (vjp(f, x, e_i) * e_i).sum(1)} over the basis vectors, or Hutchinson's
 *       term {@code (vjp(f, x, eps) * eps).sum(1)} averaged over every sign vector, gives the trace
 *       of each row's Jacobian;
 *   <li>{@link Backend#compile}: the same values as a direct call, for changing batch sizes, also
 *       with {@code valueAndGradients} and {@code vjp} inside; results belong to the caller's scope
 *       and every intermediate is freed;
 *   <li>{@link TensorStore}: tensors that outlive scopes, {@code adopt}, {@code free},
 *       {@code close}, store tensors as arguments of gradients and compiled functions;
 *   <li>the optional {@link FusedAdam} kernel against the documented update ({@link ReferenceAdam}).
 * </ul>
 *
 * <p>The plain-Java side is {@link HostTensor}: each function below is written once over
 * {@link Tensor} and evaluated both on the backend and on host tensors. Functions handed to the
 * backend capture no concrete tensors (everything they read is an argument), so a backend that
 * traces them into graphs sees only its own symbolic inputs. Each test runs inside its own scope
 * and must leave {@link Backend#liveTensors()} where it found it.
 *
 * <p>Subclass it once per backend and implement {@link #createBackend()}.
 */
public abstract class OpsContract extends ScopedBackendSuite {
    /** The step of the central finite differences. */
    private static final double FD_STEP = 1e-6;
    /** Float64 gradients against central finite differences, relative to {@code max(1, |g|)}. */
    private static final double FD_TOL = 1e-6;
    /** Float32 gradients against the float64 finite differences of the same inputs. */
    private static final double FLOAT32_GRADIENT_TOL = 1e-4;
    /** The fused Adam kernel (float32) against the float64 reference. */
    private static final double ADAM_TOL = 1e-6;
    /**
     * The kernel's moments against the float64 reference, relative to the largest moment. A native
     * kernel evaluates {@code 1 - beta} in float32: {@code 1 - 0.999f} is {@code 9.99987e-4}, 1.3e-5
     * relative from PyTorch's {@code 1 - beta2} (computed in double, then rounded), so the second
     * moment may differ by that much. The weight update, through {@code sqrt(v)}, stays within
     * {@link #ADAM_TOL}.
     */
    private static final double MOMENT_TOL = 3e-5;

    private Rng rng;

    /** Gives every test the same random inputs, whatever ran before it. */
    @BeforeEach
    public final void reseed() {
        rng = Rng.seeded(20261129L);
    }

    /** {@link Backend#concat(List, int)} of the backend, or {@link HostTensor#concatAll} on the host. */
    @FunctionalInterface
    interface Join {
        Tensor apply(List<Tensor> parts, int axis);
    }

    /** A scalar function of several tensors, written once for the backend and the host. */
    @FunctionalInterface
    interface ScalarBody {
        Tensor apply(List<Tensor> args, Join join);
    }

    private Join join() {
        Backend b = backend();
        return b::concat;
    }

    private Tensor tensor(HostArray a) {
        return backend().fromArray(a.floats(), a.shape);
    }

    private Tensor tensor64(HostArray a) {
        return backend().fromArray(a.data, a.shape);
    }

    private Tensor tensor(HostArray a, DType dtype) {
        return backend().fromArray(a.data, dtype, a.shape);
    }

    private HostArray values(double low, double high, int... shape) {
        return HostArray.random(rng, low, high, true, shape);
    }

    private HostArray positive(double low, double high, int... shape) {
        return HostArray.random(rng, low, high, false, shape);
    }

    private static HostTensor host(HostArray a) {
        return new HostTensor(a);
    }

    private static HostArray ref(Tensor hostResult) {
        return ((HostTensor) hostResult).array();
    }

    private static double tolerance(DType dtype) {
        return dtype == DType.FLOAT32 ? FLOAT32_TOL : FLOAT64_TOL;
    }

    private static List<double[]> read(List<Tensor> tensors) {
        return tensors.stream().map(Tensor::toDoubleArray).toList();
    }

    // ---------------------------------------------------------------- values of the new operations

    /** The new elementwise operations and their definitions in java.lang.Math. */
    public enum Elementwise {
        /** sigmoid */
        SIGMOID(Tensor::sigmoid, HostTensor::sigmoid),
        /** relu */
        RELU(Tensor::relu, x -> x > 0 ? x : 0),
        /** softplus */
        SOFTPLUS(Tensor::softplus, HostTensor::softplus),
        /** silu, which a backend may compute in place */
        SILU(Tensor::silu, x -> x * HostTensor.sigmoid(x)),
        /** minimum with a positive scalar */
        MINIMUM(t -> t.minimum(0.3), x -> Math.min(x, 0.3)),
        /** minimum with a negative scalar */
        MINIMUM_NEGATIVE(t -> t.minimum(-0.7), x -> Math.min(x, -0.7)),
        /** maximum with a negative scalar */
        MAXIMUM(t -> t.maximum(-0.2), x -> Math.max(x, -0.2)),
        /** maximum with a positive scalar */
        MAXIMUM_POSITIVE(t -> t.maximum(1.1), x -> Math.max(x, 1.1));

        final UnaryOperator<Tensor> op;
        final DoubleUnaryOperator ref;

        Elementwise(UnaryOperator<Tensor> op, DoubleUnaryOperator ref) {
            this.op = op;
            this.ref = ref;
        }
    }

    /** Each new elementwise operation against java.lang.Math, in float32 and float64. */
    @ParameterizedTest
    @EnumSource(Elementwise.class)
    public void elementwiseOpsAgainstJavaMath(Elementwise op) {
        HostArray a = values(0.01, 4, 4, 5);
        for (DType dtype : DType.values()) {
            Tensor in = tensor(a, dtype);
            Tensor r = op.op.apply(in);
            assertThat(r.dtype()).as(op + " dtype").isEqualTo(dtype);
            assertClose(op + " " + dtype, r, a.map(op.ref), tolerance(dtype));
            if (op != Elementwise.SILU) {
                assertThat(in.toDoubleArray()).as(op + ": operand unchanged").containsExactly(a.data);
            }
        }
    }

    /** sigmoid, softplus and silu stay finite and right far out on both sides (no overflow of e^x). */
    @Test
    public void activationsStayFiniteForLargeInputs() {
        HostArray a = new HostArray(new int[] {6}, new double[] {-100, -30, -0.5, 0.5, 30, 100});
        for (DType dtype : DType.values()) {
            for (Elementwise op : List.of(Elementwise.SIGMOID, Elementwise.SOFTPLUS, Elementwise.SILU)) {
                Tensor r = op.op.apply(tensor(a, dtype));
                assertClose(op + " " + dtype + " of large inputs", r, a.map(op.ref), tolerance(dtype));
            }
        }
    }

    /** silu is {@code x * sigmoid(x)}, computed by the backend both ways. */
    @Test
    public void siluIsXTimesSigmoidX() {
        HostArray a = values(0.01, 6, 3, 4);
        for (DType dtype : DType.values()) {
            Tensor product = tensor(a, dtype).mul(tensor(a, dtype).sigmoid());
            Tensor silu = tensor(a, dtype).silu();
            assertThat(silu.dtype()).isEqualTo(dtype);
            assertClose("silu " + dtype, silu, new HostArray(a.shape, product.toDoubleArray()), tolerance(dtype));
        }
    }

    /** matmul of [M, K] and [K, N] for several shapes, row vectors and column vectors included. */
    @Test
    public void matmulAgainstPlainJava() {
        int[][][] shapes = {{{3, 4}, {4, 5}}, {{1, 3}, {3, 1}}, {{5, 1}, {1, 2}}, {{2, 6}, {6, 2}}};
        for (int[][] s : shapes) {
            HostArray a = values(0.1, 2, s[0]);
            HostArray b = values(0.1, 2, s[1]);
            HostArray want = ref(host(a).matmul(host(b)));
            for (DType dtype : DType.values()) {
                Tensor ta = tensor(a, dtype);
                Tensor tb = tensor(b, dtype);
                Tensor r = ta.matmul(tb);
                assertThat(r.dtype()).isEqualTo(dtype);
                assertClose("matmul " + a + " " + b + " " + dtype, r, want, tolerance(dtype));
                assertThat(ta.toDoubleArray()).as("operand unchanged").containsExactly(a.data);
                assertThat(tb.toDoubleArray()).as("operand unchanged").containsExactly(b.data);
            }
        }
    }

    /**
     * linear is {@code x W^T + b} with W of shape [out, in]: the bias broadcasts over the rows, a
     * null bias adds nothing, and linear with a bias equals linear without one plus the bias.
     */
    @Test
    public void linearIsXTimesWeightTransposedPlusBias() {
        for (int batch : new int[] {4, 1}) {
            HostArray x = values(0.1, 2, batch, 3);
            HostArray w = values(0.1, 2, 5, 3);
            HostArray b = values(0.1, 2, 5);
            HostArray withBias = ref(host(x).linear(host(w), host(b)));
            HostArray noBias = ref(host(x).linear(host(w), null));
            for (DType dtype : DType.values()) {
                double tol = tolerance(dtype);
                Tensor tx = tensor(x, dtype);
                Tensor tw = tensor(w, dtype);
                Tensor tb = tensor(b, dtype);
                Tensor r = tx.linear(tw, tb);
                assertThat(r.dtype()).isEqualTo(dtype);
                assertClose("linear " + dtype + " batch " + batch, r, withBias, tol);
                Tensor plain = tx.linear(tw, null);
                assertClose("linear without bias " + dtype + " batch " + batch, plain, noBias, tol);
                assertClose("linear(w, b) = linear(w, null) + b, " + dtype, r,
                        new HostArray(withBias.shape, plain.add(tb).toDoubleArray()), tol);
                assertThat(tx.toDoubleArray()).as("operand unchanged").containsExactly(x.data);
                assertThat(tw.toDoubleArray()).as("operand unchanged").containsExactly(w.data);
                assertThat(tb.toDoubleArray()).as("operand unchanged").containsExactly(b.data);
            }
        }
    }

    /** oneHot of class ids gives rows with a single 1 at the id, in the ids' dtype. */
    @Test
    public void oneHotRowsHaveASingleOneAtTheClassId() {
        double[] ids = {2, 0, 3, 3, 1};
        double[] want = new double[ids.length * 5];
        for (int r = 0; r < ids.length; r++) {
            want[r * 5 + (int) ids[r]] = 1;
        }
        for (DType dtype : DType.values()) {
            Tensor rows = backend().fromArray(ids, dtype, ids.length).oneHot(5);
            assertThat(rows.dtype()).isEqualTo(dtype);
            assertThat(rows.shape()).containsExactly(ids.length, 5);
            assertThat(rows.toDoubleArray()).as("oneHot " + dtype).containsExactly(want);
            Tensor single = backend().fromArray(new double[3], dtype, 3).oneHot(1);
            assertThat(single.shape()).containsExactly(3, 1);
            assertThat(single.toDoubleArray()).containsExactly(1, 1, 1);
        }
    }

    /** linear rejects a weight of the wrong in-width, and a bias of the wrong length, naming the shapes. */
    @Test
    public void linearRejectsMismatchedShapes() {
        Tensor x = tensor(values(0.1, 1, 4, 3));
        Tensor narrow = tensor(values(0.1, 1, 5, 2));
        Tensor w = tensor(values(0.1, 1, 5, 3));
        Tensor bias = tensor(values(0.1, 1, 5));
        Tensor longBias = tensor(values(0.1, 1, 6));
        long live = backend().liveTensors();
        assertThatThrownBy(() -> x.linear(narrow, null)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("[4, 3]").hasMessageContaining("[5, 2]");
        assertThatThrownBy(() -> x.linear(narrow, bias)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("[4, 3]").hasMessageContaining("[5, 2]");
        assertThatThrownBy(() -> x.linear(w, longBias)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("[6]");
        assertThat(backend().liveTensors()).as("no tensor made by a rejected call").isEqualTo(live);
    }

    /** matmul rejects an inner mismatch, naming both shapes, and operands that are not matrices. */
    @Test
    public void matmulRejectsMismatchedShapes() {
        Tensor a = tensor(values(0.1, 1, 3, 4));
        Tensor b = tensor(values(0.1, 1, 5, 2));
        Tensor v = tensor(values(0.1, 1, 4));
        long live = backend().liveTensors();
        assertThatThrownBy(() -> a.matmul(b)).isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("[3, 4]").hasMessageContaining("[5, 2]");
        assertThatThrownBy(() -> a.matmul(v)).isInstanceOfAny(ShapeMismatchException.class,
                IllegalArgumentException.class);
        assertThatThrownBy(() -> v.matmul(a)).isInstanceOfAny(ShapeMismatchException.class,
                IllegalArgumentException.class);
        assertThat(backend().liveTensors()).as("no tensor made by a rejected call").isEqualTo(live);
    }

    /** oneHot needs at least one class. */
    @Test
    public void oneHotRejectsFewerThanOneClass() {
        Tensor ids = backend().fromArray(new float[] {0, 0}, 2);
        long live = backend().liveTensors();
        assertThatThrownBy(() -> ids.oneHot(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ids.oneHot(-2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-2");
        assertThat(backend().liveTensors()).as("no tensor made by a rejected call").isEqualTo(live);
    }

    // ---------------------------------------------------------------- n-way concat

    /** Backend.concat of three parts equals the chained two-way concat, along each axis and in both dtypes. */
    @Test
    public void backendConcatOfThreePartsEqualsChainedConcat() {
        int[][][] parts = {
            {{2, 3}, {1, 3}, {4, 3}},
            {{3, 2}, {3, 1}, {3, 3}},
            {{2, 1, 2}, {2, 3, 2}, {2, 2, 2}},
            {{2, 2, 1}, {2, 2, 3}, {2, 2, 2}},
        };
        int[][] axes = {{0}, {1, -1}, {1, -2}, {2, -1}};
        for (int c = 0; c < parts.length; c++) {
            HostArray a = values(0.1, 2, parts[c][0]);
            HostArray b = values(0.1, 2, parts[c][1]);
            HostArray d = values(0.1, 2, parts[c][2]);
            for (int axis : axes[c]) {
                HostArray want = ref(HostTensor.concatAll(List.of(host(a), host(b), host(d)), axis));
                for (DType dtype : DType.values()) {
                    Tensor ta = tensor(a, dtype);
                    Tensor tb = tensor(b, dtype);
                    Tensor td = tensor(d, dtype);
                    Tensor joined = backend().concat(List.of(ta, tb, td), axis);
                    Tensor chained = ta.concat(tb, axis).concat(td, axis);
                    String what = "concat of " + a + ", " + b + ", " + d + " along " + axis + ", " + dtype;
                    assertThat(joined.dtype()).as(what).isEqualTo(dtype);
                    assertThat(joined.shape()).as(what).containsExactly(chained.shape());
                    assertThat(joined.toDoubleArray()).as(what).containsExactly(chained.toDoubleArray());
                    assertClose(what, joined, want, 0);
                }
            }
        }
    }

    /** Backend.concat of one part is a copy of it; of none, an IllegalArgumentException. */
    @Test
    public void backendConcatOfOnePartCopiesItAndOfNoneFails() {
        Tensor part = backend().fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor one = backend().concat(List.of(part), 1);
        assertThat(one.shape()).containsExactly(2, 2);
        assertThat(one.toFloatArray()).containsExactly(1, 2, 3, 4);
        one.close();
        assertThat(part.toFloatArray()).as("the part survives closing the result").containsExactly(1, 2, 3, 4);
        assertThatThrownBy(() -> backend().concat(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Backend.concat rejects parts that differ off the join axis, and mixed dtypes. */
    @Test
    public void backendConcatRejectsMismatchedParts() {
        Tensor a = backend().fromArray(new float[6], 2, 3);
        Tensor b = backend().fromArray(new float[3], 1, 3);
        Tensor c = backend().fromArray(new float[4], 2, 2);
        assertThatThrownBy(() -> backend().concat(List.of(a, b, c), 0)).isInstanceOf(ShapeMismatchException.class);
        Tensor d = backend().fromArray(new double[3], 1, 3);
        assertThatThrownBy(() -> backend().concat(List.of(a, b, d), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- value and gradients

    /**
     * A scalar function, the point to differentiate at, and the arguments it is piecewise constant
     * in (class ids), whose gradient must be zero.
     */
    record GradientCase(String name, ScalarBody body, List<HostArray> points, Set<Integer> constantIn) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static HostArray signed(Rng r, int... shape) {
        return HostArray.random(r, 0.1, 1.5, true, shape);
    }

    private static HostArray positive(Rng r, int... shape) {
        return HostArray.random(r, 0.5, 2, false, shape);
    }

    static Stream<GradientCase> gradientCases() {
        Rng r = Rng.seeded(7L);
        HostArray ids = new HostArray(new int[] {5}, new double[] {2, 0, 3, 3, 1});
        return Stream.of(
                new GradientCase("sum(silu(x W^T + b) * c)",
                        (a, j) -> a.get(0).linear(a.get(1), a.get(2)).silu().mul(a.get(3)).sum(),
                        List.of(signed(r, 4, 3), signed(r, 5, 3), signed(r, 5), signed(r, 4, 5)), Set.of()),
                new GradientCase("sum(sigmoid(x W^T) * c), no bias",
                        (a, j) -> a.get(0).linear(a.get(1), null).sigmoid().mul(a.get(2)).sum(),
                        List.of(signed(r, 3, 4), signed(r, 2, 4), signed(r, 3, 2)), Set.of()),
                new GradientCase("mean(softplus(x matmul w))",
                        (a, j) -> a.get(0).matmul(a.get(1)).softplus().mean(),
                        List.of(signed(r, 4, 3), signed(r, 3, 2)), Set.of()),
                new GradientCase("sum(tanh(x) * sin(x))",
                        (a, j) -> a.get(0).tanh().mul(a.get(0).sin()).sum(),
                        List.of(signed(r, 3, 4)), Set.of()),
                new GradientCase("sum((exp(x) - log(p)) / (sqrt(p) + 0.5))",
                        (a, j) -> a.get(0).exp().sub(a.get(1).log()).div(a.get(1).sqrt().add(0.5)).sum(),
                        List.of(signed(r, 3, 2), positive(r, 3, 2)), Set.of()),
                new GradientCase("mean(p^1.5 (1 - x^2) + cos(-|x|) + p^-0.5)",
                        (a, j) -> a.get(1).pow(1.5).mul(a.get(0).square().rsub(1)).add(a.get(0).abs().neg().cos())
                                .add(a.get(1).pow(-0.5)).mean(),
                        List.of(signed(r, 2, 3), positive(r, 2, 3)), Set.of()),
                new GradientCase("sum(((x - c) / (p + 1))^2 * s), broadcast [4, 3], [4, 1], [3], []",
                        (a, j) -> a.get(0).sub(a.get(1)).div(a.get(2).add(1)).square().mul(a.get(3)).sum(),
                        List.of(signed(r, 4, 3), signed(r, 4, 1), positive(r, 3), signed(r)), Set.of()),
                new GradientCase("concat of three, slice, reshape",
                        (a, j) -> {
                            Tensor s = j.apply(List.of(a.get(0), a.get(1), a.get(2)), 1).slice(1, 1, 4).reshape(-1, 1);
                            return s.sin().mul(s.concat(s.mul(2), 0).slice(0, 4, 13)).sum();
                        },
                        List.of(signed(r, 3, 2), signed(r, 3, 1), signed(r, 3, 2)), Set.of()),
                new GradientCase("sum(tanh(oneHot(ids) matmul table) * c)",
                        (a, j) -> a.get(0).oneHot(4).matmul(a.get(1)).tanh().mul(a.get(2)).sum(),
                        List.of(ids, signed(r, 4, 3), signed(r, 5, 3)), Set.of(0)),
                new GradientCase("sum(max(x, 1) * y) + mean(min(x, 0)^2)",
                        (a, j) -> a.get(0).max(1, false).mul(a.get(1)).sum().add(a.get(0).min(0, true).square().mean()),
                        List.of(signed(r, 3, 4), signed(r, 3)), Set.of()),
                new GradientCase("sum(clamp(x, -0.8, 0.9) * y) + sum(relu(x) * sigmoid(y))",
                        (a, j) -> a.get(0).maximum(-0.8).minimum(0.9).mul(a.get(1)).sum()
                                .add(a.get(0).relu().mul(a.get(1).sigmoid()).sum()),
                        List.of(signed(r, 3, 4), signed(r, 3, 4)), Set.of()),
                new GradientCase("sum(sum(x, 0)^2) + sum(exp(mean(x, 1)) * y) + sum(mean(sum(x, -1), 0))",
                        (a, j) -> a.get(0).sum(0, false).square().sum()
                                .add(a.get(0).mean(1, true).exp().mul(a.get(1)).sum())
                                .add(a.get(0).sum(-1, true).mean(0, false).sum()),
                        List.of(signed(r, 3, 4), signed(r, 3, 1)), Set.of()),
                new GradientCase("sum(gatherRows(x, [2, 0, 2, 1])^2 * y)",
                        (a, j) -> a.get(0).gatherRows(new int[] {2, 0, 2, 1}).square().mul(a.get(1)).sum(),
                        List.of(signed(r, 3, 2), signed(r, 4, 2)), Set.of()));
    }

    private static double hostValue(ScalarBody body, List<HostArray> points) {
        return body.apply(HostTensor.of(points), HostTensor::concatAll).item();
    }

    private static List<HostArray> moved(List<HostArray> points, int k, int i, double h) {
        List<HostArray> out = new ArrayList<>(points);
        double[] d = points.get(k).data.clone();
        d[i] += h;
        out.set(k, new HostArray(points.get(k).shape, d));
        return out;
    }

    /** The central finite difference of {@code body} with respect to every element of argument {@code k}. */
    private static double[] finiteDifference(ScalarBody body, List<HostArray> points, int k) {
        double[] g = new double[points.get(k).data.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (hostValue(body, moved(points, k, i, FD_STEP)) - hostValue(body, moved(points, k, i, -FD_STEP)))
                    / (2 * FD_STEP);
        }
        return g;
    }

    /** Checks gradients read from the backend against finite differences of the host function. */
    private static void assertGradients(String what, ScalarBody body, List<HostArray> points, Set<Integer> constantIn,
            List<double[]> gradients, double tol) {
        assertThat(gradients).as(what + ": one gradient per argument").hasSize(points.size());
        for (int k = 0; k < points.size(); k++) {
            double[] want = constantIn.contains(k) ? new double[points.get(k).data.length]
                    : finiteDifference(body, points, k);
            assertClose(what + ": gradient of argument " + k, gradients.get(k), want, tol);
        }
    }

    private static void assertGradientShapes(String what, List<Tensor> gradients, List<? extends Tensor> args) {
        assertThat(gradients).as(what + ": one gradient per argument").hasSize(args.size());
        for (int k = 0; k < args.size(); k++) {
            assertThat(gradients.get(k).shape()).as(what + ": shape of gradient " + k)
                    .containsExactly(args.get(k).shape());
            assertThat(gradients.get(k).dtype()).as(what + ": dtype of gradient " + k).isEqualTo(args.get(k).dtype());
        }
    }

    /**
     * valueAndGradients in float64: the value equals the plain-Java value, and the gradient with
     * respect to every argument equals the central finite difference of the plain-Java function
     * (zero for class ids, in which the function is piecewise constant).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientCases")
    public void valueAndGradientsMatchFiniteDifferences(GradientCase c) {
        List<Tensor> args = c.points().stream().map(this::tensor64).toList();
        Join join = join();
        ValueAndGradients vg = backend().valueAndGradients(a -> c.body().apply(a, join), args);
        assertThat(vg.value().shape()).as(c + ": value shape").isEmpty();
        double value = vg.value().item();
        assertGradientShapes(c.name(), vg.gradients(), args);
        List<double[]> gradients = read(vg.gradients());
        double want = hostValue(c.body(), c.points());
        assertThat(value).as(c + ": value").isCloseTo(want, Offset.offset(FLOAT64_TOL * Math.max(1, Math.abs(want))));
        assertGradients(c.name(), c.body(), c.points(), c.constantIn(), gradients, FD_TOL);
        for (int k = 0; k < args.size(); k++) {
            assertThat(args.get(k).toDoubleArray()).as(c + ": argument " + k + " unchanged")
                    .containsExactly(c.points().get(k).data);
        }
    }

    // ---------------------------------------------------------------- vector-Jacobian products

    /** Row b depends on row b of x only, and its Jacobian is not diagonal (a roll and a row sum mix the columns). */
    private static Tensor rowwise(Tensor x, Join join) {
        int d = x.dim(1);
        Tensor rolled = join.apply(List.of(x.slice(1, 1, d), x.slice(1, 0, 1)), 1);
        return x.tanh().mul(rolled).add(x.sum(1, true).sin().mul(x.square())).add(x.silu());
    }

    private static double[] hostRowwise(HostArray x) {
        return rowwise(host(x), HostTensor::concatAll).toDoubleArray();
    }

    private static HostArray moved(HostArray x, int i, double h) {
        double[] d = x.data.clone();
        d[i] += h;
        return new HostArray(x.shape, d);
    }

    /** {@code u^T df/dx} by central differences, one input element at a time. */
    private static double[] hostVjp(HostArray x, HostArray u) {
        double[] out = new double[x.data.length];
        for (int j = 0; j < out.length; j++) {
            double[] plus = hostRowwise(moved(x, j, FD_STEP));
            double[] minus = hostRowwise(moved(x, j, -FD_STEP));
            double s = 0;
            for (int i = 0; i < plus.length; i++) {
                s += u.data[i] * (plus[i] - minus[i]) / (2 * FD_STEP);
            }
            out[j] = s;
        }
        return out;
    }

    /** The trace of each row's Jacobian by central differences. */
    private static double[] hostTrace(HostArray x) {
        int rows = x.shape[0];
        int d = x.shape[1];
        double[] trace = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                int at = r * d + i;
                trace[r] += (hostRowwise(moved(x, at, FD_STEP))[at] - hostRowwise(moved(x, at, -FD_STEP))[at])
                        / (2 * FD_STEP);
            }
        }
        return trace;
    }

    /** vjp in float64 equals {@code u^T df/dx} by finite differences, shaped and typed like x. */
    @Test
    public void vjpMatchesFiniteDifferences() {
        HostArray x = values(0.1, 1.5, 3, 4);
        HostArray u = values(0.1, 1.5, 3, 4);
        Join join = join();
        Tensor tx = tensor64(x);
        Tensor got = backend().vjp(t -> rowwise(t, join), tx, tensor64(u));
        assertThat(got.shape()).containsExactly(3, 4);
        assertThat(got.dtype()).isEqualTo(DType.FLOAT64);
        assertClose("vjp", got.toDoubleArray(), hostVjp(x, u), FD_TOL);
        assertThat(tx.toDoubleArray()).as("x unchanged").containsExactly(x.data);
    }

    /** A cotangent of shape [1, D] broadcasts over the rows like its [B, D] expansion. */
    @Test
    public void vjpBroadcastsTheCotangent() {
        HostArray x = values(0.1, 1.5, 3, 4);
        HostArray row = values(0.1, 1.5, 1, 4);
        HostArray full = row.zip(new HostArray(new int[] {3, 4}, new double[12]), (p, q) -> p);
        Join join = join();
        double[] broadcast = backend().vjp(t -> rowwise(t, join), tensor64(x), tensor64(row)).toDoubleArray();
        double[] expanded = backend().vjp(t -> rowwise(t, join), tensor64(x), tensor64(full)).toDoubleArray();
        assertClose("vjp with a [1, D] cotangent", broadcast, expanded, FLOAT64_TOL);
        assertClose("vjp with a [B, D] cotangent", expanded, hostVjp(x, full), FD_TOL);
    }

    /** The exact divergence, {@code sum_i (vjp(f, x, e_i) * e_i).sum(1)}, is the trace of each row's Jacobian. */
    @Test
    public void exactDivergenceFromBasisVectorsIsTheJacobianTrace() {
        int rows = 3;
        int d = 4;
        HostArray x = values(0.1, 1.5, rows, d);
        Tensor tx = tensor64(x);
        Join join = join();
        Tensor divergence = null;
        for (int i = 0; i < d; i++) {
            double[] e = new double[rows * d];
            for (int r = 0; r < rows; r++) {
                e[r * d + i] = 1;
            }
            Tensor basis = backend().fromArray(e, rows, d);
            Tensor term = backend().vjp(t -> rowwise(t, join), tx, basis).mul(basis).sum(1, false);
            divergence = divergence == null ? term : divergence.add(term);
        }
        assertThat(divergence.shape()).containsExactly(rows);
        assertClose("exact divergence", divergence.toDoubleArray(), hostTrace(x), FD_TOL);
    }

    /**
     * Hutchinson's term {@code (vjp(f, x, eps) * eps).sum(1)} averaged over all 2^D sign vectors
     * is exactly the trace (the off-diagonal terms cancel); each row gets its own sign pattern.
     */
    @Test
    public void hutchinsonOverEverySignVectorIsTheJacobianTrace() {
        int rows = 3;
        int d = 4;
        HostArray x = values(0.1, 1.5, rows, d);
        Tensor tx = tensor64(x);
        Join join = join();
        Tensor sum = null;
        for (int mask = 0; mask < 1 << d; mask++) {
            double[] eps = new double[rows * d];
            for (int r = 0; r < rows; r++) {
                int pattern = mask ^ r;
                for (int i = 0; i < d; i++) {
                    eps[r * d + i] = (pattern >> i & 1) == 1 ? -1 : 1;
                }
            }
            Tensor signs = backend().fromArray(eps, rows, d);
            Tensor term = backend().vjp(t -> rowwise(t, join), tx, signs).mul(signs).sum(1, false);
            sum = sum == null ? term : sum.add(term);
        }
        assertClose("Hutchinson over every sign vector", sum.div(1 << d).toDoubleArray(), hostTrace(x), FD_TOL);
    }

    // ---------------------------------------------------------------- compiled functions

    /**
     * A compiled function with one batch argument gives the direct call's values, for two batch
     * sizes (and the first again), in both dtypes.
     */
    @Test
    public void compiledFunctionMatchesDirectCallsForTwoBatchSizes() {
        HostArray w = values(0.1, 1, 5, 3);
        HostArray b = values(0.1, 1, 5);
        HostArray v = values(0.1, 1, 5, 2);
        TensorFunction forward = a -> List.of(a.get(0).linear(a.get(1), a.get(2)).silu().matmul(a.get(3)),
                a.get(0).square().sum(1, true));
        for (DType dtype : DType.values()) {
            CompiledFunction compiled = backend().compile("mlp_forward_" + dtype.name().toLowerCase(Locale.ROOT),
                    FunctionKind.FORWARD, 1, forward);
            for (int batch : new int[] {3, 5, 3}) {
                HostArray x = values(0.1, 1.5, batch, 3);
                List<Tensor> args = List.of(tensor(x, dtype), tensor(w, dtype), tensor(b, dtype), tensor(v, dtype));
                List<Tensor> got = compiled.call(args);
                List<Tensor> direct = forward.apply(args);
                List<Tensor> want = forward.apply(HostTensor.of(List.of(x, w, b, v)));
                assertThat(got).hasSize(2);
                for (int k = 0; k < 2; k++) {
                    String what = "compiled result " + k + ", batch " + batch + ", " + dtype;
                    assertThat(got.get(k).dtype()).as(what).isEqualTo(dtype);
                    assertClose(what + " against the direct call", got.get(k),
                            new HostArray(direct.get(k).shape(), direct.get(k).toDoubleArray()), tolerance(dtype));
                    assertClose(what + " against plain Java", got.get(k), ref(want.get(k)), tolerance(dtype));
                }
            }
        }
    }

    /**
     * A compiled function's results belong to the caller's current scope and nothing else stays
     * alive: closing that scope brings {@link Backend#liveTensors()} back, and a result can be kept
     * like any tensor of the scope.
     */
    @Test
    public void compiledResultsLiveInTheCallersScope() {
        CompiledFunction compiled = backend().compile("scoped_forward", FunctionKind.FORWARD, 1,
                a -> List.of(a.get(0).mul(a.get(1)).tanh().exp(), a.get(0).sum(1, false)));
        HostArray x = values(0.1, 1, 2, 3);
        HostArray s = values(0.1, 1, 3);
        List<Tensor> args = List.of(tensor64(x), tensor64(s));
        long start = backend().liveTensors();
        for (int call = 0; call < 2; call++) {
            try (TensorScope inner = backend().openScope()) {
                List<Tensor> out = compiled.call(args);
                assertThat(out).hasSize(2);
                assertThat(inner.size()).as("call " + call + ": results in the caller's scope").isEqualTo(out.size());
                assertThat(backend().liveTensors()).as("call " + call + ": only the results are alive")
                        .isEqualTo(start + out.size());
            }
            assertThat(backend().liveTensors()).as("call " + call + ": after closing the scope").isEqualTo(start);
        }
        Tensor kept;
        try (TensorScope inner = backend().openScope()) {
            kept = inner.keep(compiled.call(args).get(0));
        }
        assertThat(backend().liveTensors()).isEqualTo(start + 1);
        assertClose("kept result", kept, ref(host(x).mul(host(s)).tanh().exp()), FLOAT64_TOL);
        kept.close();
        assertThat(backend().liveTensors()).isEqualTo(start);
    }

    /**
     * valueAndGradients inside a compiled function (two batch arguments) returns the eager call's
     * value and gradients, which equal the finite differences, for two batch sizes.
     */
    @Test
    public void compiledValueAndGradientsMatchTheEagerCall() {
        ScalarBody body = (a, j) -> a.get(0).linear(a.get(2), a.get(3)).silu().sub(a.get(1)).square().mean();
        Join join = join();
        Function<List<Tensor>, Tensor> loss = a -> body.apply(a, join);
        CompiledFunction compiled = backend().compile("loss_and_gradients", FunctionKind.TRAIN_STEP, 2, a -> {
            ValueAndGradients vg = backend().valueAndGradients(loss, a);
            List<Tensor> out = new ArrayList<>();
            out.add(vg.value());
            for (Tensor g : vg.gradients()) {
                out.add(g.mul(1));
            }
            return out;
        });
        HostArray w = values(0.1, 1, 4, 3);
        HostArray b = values(0.1, 1, 4);
        for (int batch : new int[] {3, 6}) {
            List<HostArray> points = List.of(values(0.1, 1.5, batch, 3), values(0.1, 1, batch, 4), w, b);
            List<Tensor> args = points.stream().map(this::tensor64).toList();
            ValueAndGradients eager = backend().valueAndGradients(loss, args);
            double eagerValue = eager.value().item();
            List<double[]> eagerGradients = read(eager.gradients());
            List<Tensor> out = compiled.call(args);
            String what = "compiled valueAndGradients, batch " + batch;
            assertThat(out).as(what).hasSize(1 + args.size());
            assertThat(out.get(0).item()).as(what + ": value")
                    .isCloseTo(eagerValue, Offset.offset(FLOAT64_TOL * Math.max(1, Math.abs(eagerValue))));
            List<Tensor> compiledGradients = out.subList(1, out.size());
            assertGradientShapes(what, compiledGradients, args);
            for (int k = 0; k < args.size(); k++) {
                assertClose(what + ": gradient " + k + " against the eager call",
                        compiledGradients.get(k).toDoubleArray(), eagerGradients.get(k), FLOAT64_TOL);
            }
            assertGradients(what, body, points, Set.of(), read(compiledGradients), FD_TOL);
        }
    }

    /** A rowwise map R^D to R^D shaped like a velocity network: {@code tanh(y W^T + b) W}. */
    private static Tensor net(Tensor y, Tensor w, Tensor b) {
        return y.linear(w, b).tanh().matmul(w);
    }

    /**
     * vjp inside a compiled function (the shape of a divergence estimate: point and noise are batch
     * arguments, the weights are not) gives Hutchinson's term {@code eps^T J eps} of each row, for
     * two batch sizes.
     */
    @Test
    public void compiledVjpGivesHutchinsonsTermOfANetwork() {
        HostArray w = values(0.1, 1, 5, 3);
        HostArray b = values(0.1, 1, 5);
        CompiledFunction estimate = backend().compile("hutchinson_term", FunctionKind.DIVERGENCE_ESTIMATE, 2, a -> {
            Tensor weight = a.get(2);
            Tensor bias = a.get(3);
            Tensor eps = a.get(1);
            return List.of(backend().vjp(y -> net(y, weight, bias), a.get(0), eps).mul(eps).sum(1, false));
        });
        for (int batch : new int[] {4, 2}) {
            HostArray x = values(0.1, 1.5, batch, 3);
            double[] signs = new double[batch * 3];
            for (int i = 0; i < signs.length; i++) {
                signs[i] = rng.nextDouble() < 0.5 ? -1 : 1;
            }
            HostArray eps = new HostArray(x.shape, signs);
            List<Tensor> out = estimate.call(List.of(tensor64(x), tensor64(eps), tensor64(w), tensor64(b)));
            assertThat(out).hasSize(1);
            assertThat(out.get(0).shape()).containsExactly(batch);
            // eps^T J eps per row: the directional derivative along eps, dotted with eps
            HostTensor plus = host(x.zip(eps, (p, q) -> p + FD_STEP * q));
            HostTensor minus = host(x.zip(eps, (p, q) -> p - FD_STEP * q));
            HostArray jEps = ref(net(plus, host(w), host(b)).sub(net(minus, host(w), host(b))).div(2 * FD_STEP));
            HostArray want = ref(host(jEps).mul(host(eps)).sum(1, false));
            assertClose("compiled Hutchinson term, batch " + batch, out.get(0), want, FD_TOL);
        }
    }

    // ---------------------------------------------------------------- tensor stores

    /** A store tensor is in no scope: it survives closing the scope it was created and used in. */
    @Test
    public void storeTensorsSurviveTheScopeTheyWereUsedIn() {
        long start = backend().liveTensors();
        try (TensorStore store = backend().openStore()) {
            assertThat(store.backend()).isSameAs(backend());
            assertThat(store.size()).isZero();
            float[] values = {1, -2, 3.5f, 4, 0.25f, -6};
            Tensor w;
            try (TensorScope inner = backend().openScope()) {
                w = store.create(values, false, 2, 3);
                assertThat(inner.size()).as("a store tensor is not in the current scope").isZero();
                assertThat(w.dtype()).isEqualTo(DType.FLOAT32);
                assertThat(w.shape()).containsExactly(2, 3);
                assertThat(w.mul(2).toFloatArray()).containsExactly(2, -4, 7, 8, 0.5f, -12);
                assertThat(inner.size()).as("op results are in the current scope").isEqualTo(1);
            }
            values[0] = 42;
            assertThat(backend().liveTensors()).as("store tensors are not counted with the scopes' ones").isEqualTo(start);
            assertThat(store.size()).isEqualTo(1);
            assertThat(w.toFloatArray()).as("store tensor after its scope closed, input copied")
                    .containsExactly(1, -2, 3.5f, 4, 0.25f, -6);
        }
        assertThat(backend().liveTensors()).isEqualTo(start);
    }

    /** adopt moves a tensor out of its scope into the store, where it survives the scope's close. */
    @Test
    public void adoptMovesAScopeTensorIntoTheStore() {
        long start = backend().liveTensors();
        try (TensorStore store = backend().openStore()) {
            Tensor adopted;
            try (TensorScope inner = backend().openScope()) {
                Tensor t = backend().fromArray(new float[] {1, 2, 3, 4}, 2, 2).mul(3);
                assertThat(inner.size()).isEqualTo(2);
                adopted = store.adopt(t, true);
                assertThat(inner.size()).as("adopt takes the tensor out of its scope").isEqualTo(1);
                assertThat(store.size()).isEqualTo(1);
            }
            assertThat(backend().liveTensors()).as("store tensors are not counted with the scopes' ones").isEqualTo(start);
            assertThat(adopted.shape()).containsExactly(2, 2);
            assertThat(adopted.toFloatArray()).containsExactly(3, 6, 9, 12);
            try (TensorScope use = backend().openScope()) {
                assertThat(adopted.add(1).toFloatArray()).containsExactly(4, 7, 10, 13);
            }
        }
        assertThat(backend().liveTensors()).isEqualTo(start);
    }

    /** free releases one tensor (null is ignored), close releases the rest and is idempotent. */
    @Test
    public void freeAndCloseReleaseStoreTensors() {
        long start = backend().liveTensors();
        try (TensorStore store = backend().openStore()) {
            Tensor a = store.create(new float[] {1, 2}, false, 2);
            Tensor b = store.create(new float[] {3}, true, 1);
            Tensor c;
            try (TensorScope inner = backend().openScope()) {
                c = store.adopt(backend().fromArray(new float[] {4, 5, 6}, 3), false);
            }
            assertThat(store.size()).isEqualTo(3);
            assertThat(backend().liveTensors()).as("store tensors are not counted with the scopes' ones").isEqualTo(start);
            store.free(b);
            assertThat(store.size()).isEqualTo(2);
            assertThat(backend().liveTensors()).isEqualTo(start);
            assertThatThrownBy(b::toFloatArray).as("a freed tensor cannot be used")
                    .isInstanceOf(IllegalStateException.class);
            store.free(null);
            assertThat(store.size()).isEqualTo(2);
            assertThat(a.toFloatArray()).containsExactly(1, 2);
            assertThat(c.toFloatArray()).containsExactly(4, 5, 6);
            store.close();
            assertThat(store.size()).isZero();
            assertThat(backend().liveTensors()).isEqualTo(start);
            assertThatThrownBy(c::toFloatArray).as("a tensor of a closed store cannot be used")
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(backend().liveTensors()).as("closing twice").isEqualTo(start);
    }

    /**
     * Trainable store tensors are arguments of valueAndGradients (gradients against finite
     * differences, float32) and of compiled functions: a compiled gradient-descent step whose new
     * weights are adopted into the store, then a compiled forward pass over them.
     */
    @Test
    public void storeTensorsAreArgumentsOfGradientsAndCompiledFunctions() {
        double lr = 0.1;
        ScalarBody body = (a, j) -> a.get(0).linear(a.get(2), a.get(3)).tanh().sub(a.get(1)).square().mean();
        Join join = join();
        Function<List<Tensor>, Tensor> loss = a -> body.apply(a, join);
        HostArray x = values(0.1, 1.5, 4, 3);
        HostArray y = values(0.1, 1, 4, 2);
        HostArray w = values(0.1, 1, 2, 3);
        HostArray b = values(0.1, 1, 2);
        List<HostArray> points = List.of(x, y, w, b);
        try (TensorStore store = backend().openStore()) {
            Tensor tw = store.create(w.floats(), true, w.shape);
            Tensor tb = store.create(b.floats(), true, b.shape);
            List<Tensor> args = List.of(tensor(x), tensor(y), tw, tb);

            ValueAndGradients vg = backend().valueAndGradients(loss, args);
            double value = vg.value().item();
            assertGradientShapes("store arguments", vg.gradients(), args);
            List<double[]> gradients = read(vg.gradients());
            double want = hostValue(body, points);
            assertThat(value).as("value").isCloseTo(want, Offset.offset(FLOAT32_TOL * Math.max(1, Math.abs(want))));
            assertGradients("store arguments, float32", body, points, Set.of(), gradients, FLOAT32_GRADIENT_TOL);

            CompiledFunction sgd = backend().compile("sgd_step", FunctionKind.TRAIN_STEP, 2, a -> {
                ValueAndGradients g = backend().valueAndGradients(loss, a);
                return List.of(g.value(), a.get(2).sub(g.gradients().get(2).mul(lr)),
                        a.get(3).sub(g.gradients().get(3).mul(lr)));
            });
            Tensor w2;
            Tensor b2;
            try (TensorScope step = backend().openScope()) {
                List<Tensor> out = sgd.call(args);
                assertThat(out).hasSize(3);
                assertThat(out.get(0).item()).as("compiled loss")
                        .isCloseTo(value, Offset.offset(FLOAT32_TOL * Math.max(1, Math.abs(value))));
                w2 = store.adopt(out.get(1), true);
                b2 = store.adopt(out.get(2), true);
            }
            store.free(tw);
            store.free(tb);
            assertThat(store.size()).isEqualTo(2);
            double[] wantW = w.data.clone();
            double[] wantB = b.data.clone();
            for (int i = 0; i < wantW.length; i++) {
                wantW[i] -= lr * gradients.get(2)[i];
            }
            for (int i = 0; i < wantB.length; i++) {
                wantB[i] -= lr * gradients.get(3)[i];
            }
            assertClose("weight after the compiled step", w2.toDoubleArray(), wantW, FLOAT32_TOL);
            assertClose("bias after the compiled step", b2.toDoubleArray(), wantB, FLOAT32_TOL);

            CompiledFunction forward = backend().compile("store_forward", FunctionKind.FORWARD, 1,
                    a -> List.of(a.get(0).linear(a.get(1), a.get(2)).tanh()));
            Tensor out = forward.call(List.of(tensor(x), w2, b2)).get(0);
            HostArray newW = new HostArray(w.shape, w2.toDoubleArray());
            HostArray newB = new HostArray(b.shape, b2.toDoubleArray());
            assertClose("compiled forward over adopted store tensors", out,
                    ref(host(x).linear(host(newW), host(newB)).tanh()), FLOAT32_TOL);
        }
    }

    /**
     * A trainable store tensor's gradients do not carry over between passes: three
     * valueAndGradients calls on the same store tensors, with vector-Jacobian products through them
     * in between, each give the finite-difference gradients (a backend that reuses a gradient buffer
     * must clear what every earlier pass left in it), and a store argument the function ignores gets
     * zeros every time.
     */
    @Test
    public void storeTensorGradientsDoNotAccumulateAcrossPasses() {
        ScalarBody body = (a, j) -> a.get(0).linear(a.get(2), a.get(3)).sigmoid().mul(a.get(1)).sum();
        Join join = join();
        Function<List<Tensor>, Tensor> loss = a -> body.apply(a, join);
        HostArray x = values(0.3, 1.2, 5, 3);
        HostArray y = values(0.2, 0.9, 5, 2);
        HostArray w = values(0.4, 1, 2, 3);
        HostArray b = values(0.1, 0.6, 2);
        HostArray ignored = values(0.5, 1, 3);
        List<HostArray> points = List.of(x, y, w, b, ignored);
        try (TensorStore store = backend().openStore(); TensorScope scope = backend().openScope()) {
            Tensor tw = store.create(w.floats(), true, w.shape);
            Tensor tb = store.create(b.floats(), true, b.shape);
            Tensor unused = store.create(ignored.floats(), true, ignored.shape);
            List<Tensor> args = List.of(tensor(x), tensor(y), tw, tb, unused);
            for (int pass = 1; pass <= 3; pass++) {
                ValueAndGradients vg = backend().valueAndGradients(loss, args);
                assertGradients("pass " + pass, body, points, Set.of(), read(vg.gradients()), FLOAT32_GRADIENT_TOL);
                backend().vjp(in -> in.linear(tw, tb).tanh(), tensor(x), tensor(y)).close();
            }
        }
    }

    // ---------------------------------------------------------------- fused Adam

    static Stream<Arguments> adamCases() {
        return Stream.of(
                Arguments.of("Adam", 0.0, false, 1.0),
                Arguments.of("Adam with L2 weight decay", 0.1, false, 1.0),
                Arguments.of("AdamW (decoupled weight decay)", 0.1, true, 1.0),
                Arguments.of("Adam, gradients scaled by 0.5", 0.0, false, 0.5),
                Arguments.of("Adam with L2 weight decay, gradients scaled by 0.5", 0.1, false, 0.5),
                Arguments.of("AdamW, gradients scaled by 0.5", 0.1, true, 0.5));
    }

    /**
     * Three steps of the fused Adam kernel, if the backend has one, on store tensors: weight and
     * moments match the documented update in float64 ({@link ReferenceAdam} fed {@code scale * g});
     * the kernel takes the step's learning rate, not the spec's; the gradient is not changed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("adamCases")
    public void fusedAdamMatchesTheDocumentedUpdate(String name, double weightDecay, boolean decoupled,
            double gradientScale) {
        Optional<FusedAdam> fused = backend().fusedAdam();
        assumeTrue(fused.isPresent(), backend().name() + " has no fused Adam kernel");
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        OptimizerSpec truth = new OptimizerSpec(lr, b1, b2, 1e-8, weightDecay, decoupled, 0);
        // the spec's own rate differs: a schedule hands the kernel each step's rate in Step
        OptimizerSpec spec = new OptimizerSpec(0.5, b1, b2, 1e-8, weightDecay, decoupled, 0);
        ReferenceAdam reference = new ReferenceAdam(truth);
        HostArray w0 = values(0.1, 2, 3, 4);
        double[] w = w0.data.clone();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        try (TensorStore store = backend().openStore()) {
            Tensor weight = store.create(w0.floats(), true, w0.shape);
            Tensor tm = store.create(new float[w.length], false, w0.shape);
            Tensor tv = store.create(new float[w.length], false, w0.shape);
            for (long step = 1; step <= 3; step++) {
                HostArray g = values(0.01, 1, w0.shape);
                Tensor gradient = tensor(g);
                fused.get().update(weight, gradient, tm, tv, new FusedAdam.Step(spec, lr, step, gradientScale));
                assertThat(gradient.toFloatArray()).as("the gradient is not changed").containsExactly(g.floats());

                reference.step(List.of(w), List.of(g.map(x -> gradientScale * x).data));
                double[] effective = reference.lastEffectiveGradients().get(0);
                for (int i = 0; i < w.length; i++) {
                    m[i] = b1 * m[i] + (1 - b1) * effective[i];
                    v[i] = b2 * v[i] + (1 - b2) * effective[i] * effective[i];
                }
                String what = name + ", step " + step;
                assertClose(what + ": weight", weight.toDoubleArray(), w, ADAM_TOL);
                assertCloseScaled(what + ": first moment", tm.toDoubleArray(), m, MOMENT_TOL, maxAbs(m));
                assertCloseScaled(what + ": second moment", tv.toDoubleArray(), v, MOMENT_TOL, maxAbs(v));
            }
        }
    }
}

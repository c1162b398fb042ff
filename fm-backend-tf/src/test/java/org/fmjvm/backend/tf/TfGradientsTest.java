package org.fmjvm.backend.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.TensorStore;
import org.fmjvm.api.autodiff.CompiledFunction;
import org.fmjvm.api.autodiff.FunctionKind;
import org.fmjvm.api.autodiff.ValueAndGradients;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code tf} backend's network op set, tracing and gradients: the new operations against plain
 * Java, the same operations traced through {@code compile} against the eager ones, gradients and
 * vector-Jacobian products against central finite differences in float64, and the bookkeeping of
 * compiled functions (one trace per signature, store tensors as arguments, no leaked handles).
 */
@SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
class TfGradientsTest {
    private static TfBackend backend;

    /** x [3, 4], W [2, 4], b [2]: a small dense layer with mixed signs. */
    private static final double[] X = {0.3, -1.2, 2.0, 0.0, -0.7, 0.5, 1.5, -2.5, 1.1, 0.9, -0.4, 0.2};
    private static final double[] W = {0.5, -0.3, 0.8, 0.1, -0.6, 0.2, 0.4, -0.9};
    private static final double[] B = {0.05, -0.1};

    @BeforeAll
    static void open() {
        backend = TfBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    // ---------------------------------------------------------------- eager ops against plain Java

    @Test
    void activationsMatchPlainJavaInBothPrecisions() {
        try (TensorScope scope = backend.openScope()) {
            for (DType dtype : DType.values()) {
                Tensor x = backend.fromArray(X, dtype, 3, 4);
                double tol = dtype == DType.FLOAT64 ? 1e-15 : 1e-6;
                assertElementwise(x.sigmoid(), TfGradientsTest::sigmoid, tol);
                assertElementwise(x.relu(), v -> Math.max(v, 0), 0);
                assertElementwise(x.softplus(), v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))), tol);
                assertElementwise(x.silu(), v -> v * sigmoid(v), tol);
                assertElementwise(x.minimum(0.5), v -> Math.min(v, 0.5), 0);
                assertElementwise(x.maximum(-0.5), v -> Math.max(v, -0.5), 0);
                assertThat(x.silu().dtype()).isEqualTo(dtype);
                assertThat(x.minimum(0.5).dtype()).isEqualTo(dtype);
            }
        }
    }

    @Test
    void matmulAndLinearMatchPlainJava() {
        try (TensorScope scope = backend.openScope()) {
            Tensor x = backend.fromArray(X, 3, 4);
            Tensor w = backend.fromArray(W, 2, 4);
            Tensor b = backend.fromArray(B, 2);
            double[] expected = linear(X, W, B);
            assertThat(x.linear(w, b).shape()).containsExactly(3, 2);
            assertThat(x.linear(w, b).toDoubleArray()).containsExactly(expected, within(1e-15));
            assertThat(x.linear(w, null).toDoubleArray()).containsExactly(linear(X, W, new double[2]),
                    within(1e-15));
            // matmul with the transposed weight is the same product
            Tensor wt = backend.fromArray(transpose(W, 2, 4), 4, 2);
            assertThat(x.matmul(wt).shape()).containsExactly(3, 2);
            assertThat(x.matmul(wt).add(b).toDoubleArray()).containsExactly(expected, within(1e-15));
        }
    }

    @Test
    void oneHotMakesIndicatorRowsAndEmbeddingLookups() {
        try (TensorScope scope = backend.openScope()) {
            Tensor ids = backend.fromArray(new float[] {2, 0, 1, 2}, 4);
            Tensor hot = ids.oneHot(3);
            assertThat(hot.shape()).containsExactly(4, 3);
            assertThat(hot.dtype()).isEqualTo(DType.FLOAT32);
            assertThat(hot.toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1);
            Tensor table = backend.fromArray(new float[] {10, 11, 20, 21, 30, 31}, 3, 2);
            assertThat(hot.matmul(table).toFloatArray()).containsExactly(30, 31, 10, 11, 20, 21, 30, 31);
        }
    }

    @Test
    void nWayConcatIsOneOperationWithTheSameResult() {
        try (TensorScope scope = backend.openScope()) {
            Tensor a = backend.fromArray(new float[] {1, 2}, 2, 1);
            Tensor b = backend.fromArray(new float[] {3, 4, 5, 6}, 2, 2);
            Tensor c = backend.fromArray(new float[] {7, 8}, 2, 1);
            assertThat(backend.concat(List.of(a, b, c), 1).toFloatArray()).containsExactly(1, 3, 4, 7, 2, 5, 6, 8);
            assertThat(backend.concat(List.of(a), 0).toFloatArray()).containsExactly(1, 2);
            assertThatThrownBy(() -> backend.concat(List.of(a, backend.fromArray(new float[3], 3, 1)), 1))
                    .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[2, 1]").hasMessageContaining("[3, 1]");
        }
    }

    @Test
    void badShapesAndIdsFailInJavaNamingTheValues() {
        try (TensorScope scope = backend.openScope()) {
            Tensor x = backend.fromArray(X, 3, 4);
            Tensor w = backend.fromArray(W, 2, 4);
            assertThatThrownBy(() -> x.matmul(w)).isInstanceOf(ShapeMismatchException.class)
                    .hasMessageContaining("[3, 4]").hasMessageContaining("[2, 4]").hasMessageContaining("[4, N]");
            assertThatThrownBy(() -> x.linear(w.reshape(4, 2), null)).isInstanceOf(ShapeMismatchException.class)
                    .hasMessageContaining("weight must have shape [out, 4]").hasMessageContaining("got [4, 2]");
            assertThatThrownBy(() -> x.linear(w, backend.fromArray(new double[3], 3)))
                    .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("bias must have shape [2]");
            assertThatThrownBy(() -> x.linear(w.toDType(DType.FLOAT32), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different dtypes");
            assertThatThrownBy(() -> x.oneHot(3)).isInstanceOf(ShapeMismatchException.class)
                    .hasMessageContaining("[B]").hasMessageContaining("[3, 4]");
            Tensor ids = backend.fromArray(new float[] {0, 3}, 2);
            assertThatThrownBy(() -> ids.oneHot(3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("class id 3.0 at position 1").hasMessageContaining("[0, 3)");
            assertThatThrownBy(() -> ids.oneHot(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("classes must be >= 1, got 0");
        }
    }

    // ---------------------------------------------------------------- traced = eager

    @Test
    void tracedOpsGiveTheEagerResults() {
        CompiledFunction f = backend.compile("all_ops", FunctionKind.FORWARD, 1, args -> allOps(args));
        try (TensorScope scope = backend.openScope()) {
            List<Tensor> args = List.of(backend.fromArray(X, 3, 4), backend.fromArray(W, 2, 4),
                    backend.fromArray(B, 2), backend.fromArray(new double[] {1, 0, 1}, 3));
            List<Tensor> eager = allOps(args);
            List<Tensor> traced = f.call(args);
            assertThat(traced).hasSameSizeAs(eager);
            for (int i = 0; i < eager.size(); i++) {
                assertThat(traced.get(i).shape()).as("result %d", i).containsExactly(eager.get(i).shape());
                assertThat(traced.get(i).dtype()).as("result %d", i).isEqualTo(eager.get(i).dtype());
                assertThat(traced.get(i).toDoubleArray()).as("result %d", i)
                        .containsExactly(eager.get(i).toDoubleArray());
            }
        }
    }

    /** Every op of the set, on x [B, 4], W [2, 4], b [2], ids [B]. */
    private static List<Tensor> allOps(List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor w = a.get(1);
        Tensor b = a.get(2);
        Tensor ids = a.get(3);
        Tensor h = x.linear(w, b);
        List<Tensor> out = new ArrayList<>();
        out.add(h.silu());
        out.add(h.sigmoid().add(h.relu()).sub(h.softplus()).mul(h.tanh()).div(h.exp()));
        out.add(h.minimum(0.1).maximum(-0.2).rsub(1).neg().abs().sqrt().log());
        out.add(x.matmul(w.reshape(4, 2)).square().pow(1.5).sin().cos());
        out.add(x.sum(1, true).add(x.mean(0, false).sum()).mul(x.max(1, false).reshape(-1, 1)).sub(x.min(0, true)));
        out.add(x.sum().add(x.mean()).add(2).sub(1).mul(3).div(4));
        out.add(x.concat(h, 1).slice(1, 1, 5).gatherRows(new int[] {2, 0, 2}));
        out.add(backend.concat(List.of(h, x, h), 1).toDType(DType.FLOAT32).toDType(DType.FLOAT64));
        out.add(ids.oneHot(2).matmul(w));
        out.add(x.mul(backend.fromArray(new double[] {1, 2, 3, 4}, 4)).add(backend.full(0.5, 1).toDType(DType.FLOAT64)));
        return out;
    }

    @Test
    void aFunctionMayReturnItsArgumentsAndCapturedTensors() {
        try (TensorStore store = backend.openStore(); TensorScope scope = backend.openScope()) {
            Tensor weight = store.create(new float[] {1, 2, 3}, true, 3);
            CompiledFunction f = backend.compile("pass_through", FunctionKind.FORWARD, 1,
                    args -> List.of(args.get(0), weight, args.get(0).mul(weight)));
            Tensor x = backend.fromArray(new float[] {4, 5, 6, 7, 8, 9}, 2, 3);
            List<Tensor> out = f.call(List.of(x));
            assertThat(out.get(0).toFloatArray()).containsExactly(4, 5, 6, 7, 8, 9);
            assertThat(out.get(1).toFloatArray()).containsExactly(1, 2, 3);
            assertThat(out.get(2).toFloatArray()).containsExactly(4, 10, 18, 7, 16, 27);
            // a captured tensor is passed by reference at every call: once freed, the call says so
            store.free(weight);
            assertThatThrownBy(() -> f.call(List.of(x))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'pass_through' uses tensor [3]").hasMessageContaining("pass it as an argument");
        }
    }

    // ---------------------------------------------------------------- gradients against finite differences

    /** {@code sum(silu(x W^T + b))}, the loss of one SiLU layer. */
    private static Tensor layerLoss(List<Tensor> a) {
        return a.get(0).linear(a.get(1), a.get(2)).silu().sum();
    }

    @Test
    void gradientsMatchCentralFiniteDifferences() {
        try (TensorScope scope = backend.openScope()) {
            List<Tensor> args = List.of(backend.fromArray(X, 3, 4), backend.fromArray(W, 2, 4),
                    backend.fromArray(B, 2));
            ValueAndGradients vg = backend.valueAndGradients(TfGradientsTest::layerLoss, args);
            assertThat(vg.value().shape()).isEmpty();
            assertThat(vg.value().item()).isCloseTo(layerLoss(args).item(), within(1e-14));
            double[][] points = {X, W, B};
            for (int k = 0; k < 3; k++) {
                assertThat(vg.gradients().get(k).shape()).containsExactly(args.get(k).shape());
                double[] numeric = finiteDifferences(TfGradientsTest::layerLoss, points, k, args);
                assertRelativelyClose(vg.gradients().get(k).toDoubleArray(), numeric, 1e-6);
            }
        }
    }

    /** A scalar that passes through every differentiable op of the set. */
    private static Tensor everyOp(List<Tensor> a) {
        Tensor x = a.get(0);
        Tensor w = a.get(1);
        Tensor h = x.linear(w, a.get(2));
        Tensor act = h.sigmoid().add(h.relu()).add(h.softplus()).mul(h.tanh()).sub(h.silu());
        Tensor clipped = x.minimum(0.6).maximum(-0.6).matmul(w.reshape(4, 2));
        Tensor d = backend.concat(List.of(act, clipped, x.slice(1, 0, 2)), 1).gatherRows(new int[] {2, 0, 1});
        Tensor e = d.square().add(1).pow(0.75).log().exp().sqrt().sin().cos();
        Tensor r = d.div(d.abs().add(1)).rsub(2).neg().mul(d.concat(d, 0).mean(0, true).slice(0, 0, 1));
        return e.mean(0, false).sum().add(d.max(1, false).sum()).add(d.min(0, true).mean()).add(r.sum())
                .add(x.mean().mul(3)).div(2);
    }

    @Test
    void everyDifferentiableOpHasAGradientMatchingFiniteDifferences() {
        try (TensorScope scope = backend.openScope()) {
            List<Tensor> args = List.of(backend.fromArray(X, 3, 4), backend.fromArray(W, 2, 4),
                    backend.fromArray(B, 2));
            ValueAndGradients vg = backend.valueAndGradients(TfGradientsTest::everyOp, args);
            double[][] points = {X, W, B};
            for (int k = 0; k < 3; k++) {
                double[] numeric = finiteDifferences(TfGradientsTest::everyOp, points, k, args);
                assertRelativelyClose(vg.gradients().get(k).toDoubleArray(), numeric, 1e-6);
            }
        }
    }

    @Test
    void vjpMatchesFiniteDifferences() {
        double[] u = {0.4, -1.0, 0.25, 2.0, -0.5, 1.5};
        UnaryOperator<Tensor> f = x -> x.linear(constant(W, 2, 4), constant(B, 2)).softplus().mul(x.sum(1, true));
        try (TensorScope scope = backend.openScope()) {
            Tensor x = backend.fromArray(X, 3, 4);
            Tensor ut = backend.fromArray(u, 3, 2);
            Tensor vjp = backend.vjp(f, x, ut);
            assertThat(vjp.shape()).containsExactly(3, 4);
            // u^T J = the gradient of sum(f(x) * u)
            Function<List<Tensor>, Tensor> s = a -> f.apply(a.get(0)).mul(constant(u, 3, 2)).sum();
            double[] numeric = finiteDifferences(s, new double[][] {X}, 0, List.of(x));
            assertRelativelyClose(vjp.toDoubleArray(), numeric, 1e-6);
        }
    }

    @Test
    void aFunctionMayCloseOverEagerAndStoreTensors() {
        double[] u = {0.4, -1.0, 0.25, 2.0, -0.5, 1.5};
        try (TensorStore store = backend.openStore(); TensorScope scope = backend.openScope()) {
            Tensor w = store.create(toFloats(W), true, 2, 4).toDType(DType.FLOAT64);
            Tensor b = backend.fromArray(B, 2);
            Tensor x = backend.fromArray(X, 3, 4);
            // the vjp of a linear layer with respect to its input is u W, whatever x and b are
            Tensor vjp = backend.vjp(v -> v.linear(w, b), x, backend.fromArray(u, 3, 2));
            double[] expected = new double[12];
            double[] wd = w.toDoubleArray();
            for (int r = 0; r < 3; r++) {
                for (int i = 0; i < 4; i++) {
                    expected[r * 4 + i] = u[r * 2] * wd[i] + u[r * 2 + 1] * wd[4 + i];
                }
            }
            assertThat(vjp.toDoubleArray()).containsExactly(expected, within(1e-15));
            ValueAndGradients vg = backend.valueAndGradients(a -> a.get(0).linear(w, b).sum(), List.of(x));
            assertThat(vg.value().item()).isCloseTo(x.linear(w, b).sum().item(), within(1e-13));
        }
    }

    @Test
    void gradientsInsideACompiledFunctionEqualTheEagerOnes() {
        CompiledFunction step = backend.compile("grad_step", FunctionKind.TRAIN_STEP, 1, args -> {
            ValueAndGradients vg = backend.valueAndGradients(TfGradientsTest::layerLoss, args);
            List<Tensor> out = new ArrayList<>();
            out.add(vg.value());
            out.addAll(vg.gradients());
            out.add(backend.vjp(x -> x.linear(args.get(1), args.get(2)).silu(), args.get(0),
                    backend.full(1, 1, 2).toDType(DType.FLOAT64)));
            return out;
        });
        try (TensorScope scope = backend.openScope()) {
            List<Tensor> args = List.of(backend.fromArray(X, 3, 4), backend.fromArray(W, 2, 4),
                    backend.fromArray(B, 2));
            ValueAndGradients eager = backend.valueAndGradients(TfGradientsTest::layerLoss, args);
            List<Tensor> traced = step.call(args);
            assertThat(traced.get(0).shape()).isEmpty();
            assertThat(traced.get(0).item()).isCloseTo(eager.value().item(), within(1e-14));
            for (int k = 0; k < 3; k++) {
                assertThat(traced.get(k + 1).shape()).containsExactly(args.get(k).shape());
                assertThat(traced.get(k + 1).toDoubleArray()).containsExactly(eager.gradients().get(k).toDoubleArray(),
                        within(1e-14));
            }
            // with u = 1 everywhere, the vjp of the layer is the loss gradient with respect to x
            assertThat(traced.get(4).toDoubleArray()).containsExactly(eager.gradients().get(0).toDoubleArray(),
                    within(1e-14));
        }
    }

    @Test
    void float32GradientsAgreeWithFloat64() {
        try (TensorScope scope = backend.openScope()) {
            List<Tensor> a64 = List.of(backend.fromArray(X, 3, 4), backend.fromArray(W, 2, 4), backend.fromArray(B, 2));
            List<Tensor> a32 = a64.stream().map(t -> t.toDType(DType.FLOAT32)).toList();
            ValueAndGradients g64 = backend.valueAndGradients(TfGradientsTest::layerLoss, a64);
            ValueAndGradients g32 = backend.valueAndGradients(TfGradientsTest::layerLoss, a32);
            for (int k = 0; k < 3; k++) {
                assertThat(g32.gradients().get(k).dtype()).isEqualTo(DType.FLOAT32);
                assertThat(g32.gradients().get(k).toDoubleArray()).containsExactly(
                        g64.gradients().get(k).toDoubleArray(), within(1e-5));
            }
            // the gradient passes through a change of precision: d/dx sum(float64(float32(x))^2) = 2x
            ValueAndGradients cast = backend.valueAndGradients(
                    a -> a.get(0).toDType(DType.FLOAT32).toDType(DType.FLOAT64).square().sum(), List.of(a64.get(0)));
            assertThat(cast.gradients().get(0).dtype()).isEqualTo(DType.FLOAT64);
            assertThat(cast.gradients().get(0).toDoubleArray()).containsExactly(a64.get(0).mul(2).toDoubleArray(),
                    within(1e-6));
        }
    }

    @Test
    void anArgumentTheValueDoesNotDependOnGetsZeros() {
        try (TensorScope scope = backend.openScope()) {
            Tensor x = backend.fromArray(X, 3, 4);
            Tensor unused = backend.fromArray(B, 2);
            ValueAndGradients vg = backend.valueAndGradients(a -> a.get(0).square().sum(), List.of(x, unused));
            assertThat(vg.gradients().get(1).toDoubleArray()).containsExactly(0, 0);
            assertThat(vg.gradients().get(0).toDoubleArray()).containsExactly(x.mul(2).toDoubleArray(), within(0.0));
        }
    }

    @Test
    void anEmbeddingLookupsGradientReachesTheTableNotTheIds() {
        try (TensorScope scope = backend.openScope()) {
            Tensor ids = backend.fromArray(new double[] {2, 0, 2}, 3);
            Tensor table = backend.fromArray(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
            ValueAndGradients vg = backend.valueAndGradients(a -> a.get(0).oneHot(3).matmul(a.get(1)).square().sum(),
                    List.of(ids, table));
            assertThat(vg.value().item()).isEqualTo(2 * (25 + 36) + 1 + 4);
            // d/dtable[c, e] = sum over rows with id c of 2 table[c, e]
            assertThat(vg.gradients().get(1).toDoubleArray()).containsExactly(2, 4, 0, 0, 20, 24);
            assertThat(vg.gradients().get(0).toDoubleArray()).containsExactly(0, 0, 0);
        }
    }

    // ---------------------------------------------------------------- compiled functions: bookkeeping

    @Test
    void retracesOnlyPerSignature() {
        TfCompiled f = (TfCompiled) backend.compile("layer", FunctionKind.FORWARD, 1,
                a -> List.of(a.get(0).linear(a.get(1), a.get(2)).silu()));
        Rng rng = Rng.seeded(7);
        try (TensorScope scope = backend.openScope()) {
            Tensor w = backend.fromArray(W, 2, 4);
            Tensor b = backend.fromArray(B, 2);
            for (int batch : new int[] {5, 17, 5}) {
                Tensor x = backend.randn(rng, batch, 4).toDType(DType.FLOAT64);
                Tensor y = f.call(List.of(x, w, b)).get(0);
                assertThat(y.shape()).containsExactly(batch, 2);
                assertThat(y.toDoubleArray()).containsExactly(x.linear(w, b).silu().toDoubleArray(), within(1e-14));
            }
            assertThat(f.traces()).isEqualTo(1);
            // another dtype, or another length of a non-batch axis, is another signature
            f.call(List.of(backend.randn(rng, 5, 4), w.toDType(DType.FLOAT32), b.toDType(DType.FLOAT32)));
            assertThat(f.traces()).isEqualTo(2);
            f.call(List.of(backend.randn(rng, 5, 3).toDType(DType.FLOAT64), backend.fromArray(new double[6], 2, 3), b));
            assertThat(f.traces()).isEqualTo(3);
            // back to the first signature, then only the batch changes: its function, not a new trace
            for (int batch : new int[] {5, 9}) {
                Tensor x = backend.randn(rng, batch, 4).toDType(DType.FLOAT64);
                Tensor y = f.call(List.of(x, w, b)).get(0);
                assertThat(y.toDoubleArray()).containsExactly(x.linear(w, b).silu().toDoubleArray(), within(1e-14));
            }
            assertThat(f.traces()).isEqualTo(3);
            // right after it, the same shapes in float32 weights are the second signature again
            f.call(List.of(backend.randn(rng, 9, 4), w.toDType(DType.FLOAT32), b.toDType(DType.FLOAT32)));
            assertThat(f.traces()).isEqualTo(3);
        }
    }

    @Test
    void keepsAtMostThirtyTwoSignatures() {
        TfCompiled f = (TfCompiled) backend.compile("many", FunctionKind.FORWARD, 0, a -> List.of(a.get(0).mul(2)));
        try (TensorScope scope = backend.openScope()) {
            for (int n = 1; n <= TfCompiled.MAX_SIGNATURES + 3; n++) {
                assertThat(f.call(List.of(backend.full(1, n))).get(0).sum().item()).isEqualTo(2.0 * n);
            }
            assertThat(f.traces()).isEqualTo(TfCompiled.MAX_SIGNATURES + 3);
            assertThat(f.cached()).isEqualTo(TfCompiled.MAX_SIGNATURES);
            // an evicted signature is traced again and still right
            assertThat(f.call(List.of(backend.full(1, 1))).get(0).sum().item()).isEqualTo(2.0);
        }
    }

    @Test
    void storeTensorsArePassedToCompiledFunctionsAndOutliveScopes() {
        CompiledFunction f = backend.compile("store_layer", FunctionKind.FORWARD, 1,
                a -> List.of(a.get(0).linear(a.get(1), a.get(2))));
        long before = backend.liveTensors();
        try (TensorStore store = backend.openStore()) {
            Tensor w = store.create(toFloats(W), true, 2, 4);
            Tensor b;
            try (TensorScope scope = backend.openScope()) {
                b = store.adopt(backend.fromArray(toFloats(B), 2), true);
            }
            assertThat(store.size()).isEqualTo(2);
            assertThat(backend.liveTensors()).as("store tensors are counted by the store, not with the scopes").isEqualTo(before);
            try (TensorScope scope = backend.openScope()) {
                Tensor x = backend.fromArray(toFloats(X), 3, 4);
                Tensor y = f.call(List.of(x, w, b)).get(0);
                assertThat(y.toFloatArray()).containsExactly(toFloats(linear(X, W, B)), within(1e-6f));
                // an optimizer-style update: the new weight replaces the old one in the store
                Tensor w2 = store.adopt(w.mul(0.5), true);
                store.free(w);
                assertThat(store.size()).isEqualTo(2);
                assertThat(w2.toFloatArray()).containsExactly(toFloats(new double[] {0.25, -0.15, 0.4, 0.05, -0.3,
                        0.1, 0.2, -0.45}), within(1e-7f));
                assertThatThrownBy(() -> scope.keep(w2)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("owned by a TensorStore");
            }
            assertThat(backend.liveTensors()).isEqualTo(before);
        }
        assertThat(backend.liveTensors()).isEqualTo(before);
    }

    @Test
    void liveTensorsAndNativeHandlesStayFlatAcrossCalls() {
        CompiledFunction f = backend.compile("flat", FunctionKind.LOSS, 1,
                a -> List.of(layerLoss(a), a.get(0).silu()));
        try (TensorScope outer = backend.openScope()) {
            Tensor w = backend.fromArray(W, 2, 4);
            Tensor b = backend.fromArray(B, 2);
            Runnable round = () -> {
                try (TensorScope scope = backend.openScope()) {
                    Tensor x = backend.fromArray(X, 3, 4);
                    f.call(List.of(x, w, b));
                    backend.valueAndGradients(TfGradientsTest::layerLoss, List.of(x, w, b));
                    backend.vjp(Tensor::silu, x, x);
                    backend.fromArray(new double[] {1, 0}, 2).oneHot(2);
                }
            };
            round.run(); // the first round traces and registers the compiled function
            round.run();
            long live = backend.liveTensors();
            long handles = backend.nativeHandles();
            for (int i = 0; i < 20; i++) {
                try (TensorScope scope = backend.openScope()) {
                    Tensor x = backend.fromArray(X, 3, 4);
                    f.call(List.of(x, w, b));
                    backend.valueAndGradients(TfGradientsTest::layerLoss, List.of(x, w, b));
                    backend.vjp(Tensor::silu, x, x);
                }
            }
            assertThat(backend.liveTensors()).isEqualTo(live);
            assertThat(backend.nativeHandles()).isEqualTo(handles);
        }
    }

    // ---------------------------------------------------------------- misuse while tracing

    @Test
    void readingValuesWhileTracingFailsWithTheReason() {
        CompiledFunction f = backend.compile("reads_values", FunctionKind.FORWARD, 1,
                a -> List.of(a.get(0).mul(a.get(0).sum().item())));
        try (TensorScope scope = backend.openScope()) {
            assertThatThrownBy(() -> f.call(List.of(backend.fromArray(new float[] {1, 2}, 2, 1))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("item() is not available while 'reads_values' is traced")
                    .hasMessageContaining("must not read values back to Java");
        }
        assertThat(backend.activeTrace()).isNull();
    }

    @Test
    void misuseFailsWithOneLineReasons() {
        try (TensorStore store = backend.openStore(); TensorScope scope = backend.openScope()) {
            Tensor x = backend.fromArray(X, 3, 4);
            assertThatThrownBy(() -> backend.valueAndGradients(a -> a.get(0).sum(1, false), List.of(x)))
                    .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("one element")
                    .hasMessageContaining("[3]");
            CompiledFunction f = backend.compile("batched", FunctionKind.FORWARD, 1, a -> List.of(a.get(0)));
            assertThatThrownBy(() -> f.call(List.of(backend.fromArray(new float[] {1})))).isInstanceOf(
                    IllegalArgumentException.class).hasMessageContaining("args[0] is a scalar");
            CompiledFunction adopts = backend.compile("adopts", FunctionKind.TRAIN_STEP, 1,
                    a -> List.of(store.adopt(a.get(0).mul(2), true)));
            assertThatThrownBy(() -> adopts.call(List.of(x))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("symbolic").hasMessageContaining("adopt the result of the call");
            assertThat(backend.activeTrace()).isNull();
        }
    }

    @Test
    void symbolsCannotEscapeTheirTrace() {
        List<Tensor> leaked = new ArrayList<>();
        CompiledFunction f = backend.compile("leaks", FunctionKind.FORWARD, 1, a -> {
            leaked.add(a.get(0));
            return List.of(a.get(0).add(1));
        });
        try (TensorScope scope = backend.openScope()) {
            Tensor x = backend.fromArray(new float[] {1, 2}, 2, 1);
            f.call(List.of(x));
            Tensor symbol = leaked.get(0);
            assertThat(symbol.shape()).containsExactly(-1, 1);
            assertThatThrownBy(() -> symbol.add(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("trace of 'leaks', which has ended");
            assertThatThrownBy(() -> x.add(symbol)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("trace of 'leaks', which has ended");
        }
    }

    @Test
    void scopesInsideATracedFunctionKeepSymbols() {
        CompiledFunction f = backend.compile("scoped", FunctionKind.FORWARD, 1, a -> {
            try (TensorScope inner = backend.openScope()) {
                return List.of(inner.keep(a.get(0).relu().mul(3)));
            }
        });
        try (TensorScope scope = backend.openScope()) {
            Tensor y = f.call(List.of(backend.fromArray(new float[] {-1, 2}, 2))).get(0);
            assertThat(y.toFloatArray()).containsExactly(0, 6);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static Tensor constant(double[] values, int... shape) {
        return backend.fromArray(values, shape);
    }

    private static void assertElementwise(Tensor actual, DoubleUnaryOperator f, double tol) {
        double[] expected = new double[X.length];
        double[] x = actual.dtype() == DType.FLOAT64 ? X : toDoubles(toFloats(X));
        for (int i = 0; i < x.length; i++) {
            expected[i] = f.applyAsDouble(x[i]);
        }
        assertThat(actual.shape()).containsExactly(3, 4);
        assertThat(actual.toDoubleArray()).containsExactly(expected, within(Math.max(tol, 0.0)));
    }

    /** {@code x W^T + b} for row-major {@code x [n, in]}, {@code W [out, in]}. */
    private static double[] linear(double[] x, double[] w, double[] b) {
        int out = b.length;
        int in = w.length / out;
        int n = x.length / in;
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /** Central differences of the scalar {@code f} with respect to {@code points[k]}, step 1e-6. */
    private static double[] finiteDifferences(Function<List<Tensor>, Tensor> f, double[][] points, int k,
            List<Tensor> args) {
        double h = 1e-6;
        double[] grad = new double[points[k].length];
        for (int i = 0; i < grad.length; i++) {
            double[] plus = points[k].clone();
            double[] minus = points[k].clone();
            plus[i] += h;
            minus[i] -= h;
            grad[i] = (eval(f, args, k, plus) - eval(f, args, k, minus)) / (2 * h);
        }
        return grad;
    }

    private static double eval(Function<List<Tensor>, Tensor> f, List<Tensor> args, int k, double[] values) {
        try (TensorScope scope = backend.openScope()) {
            List<Tensor> moved = new ArrayList<>(args);
            moved.set(k, backend.fromArray(values, args.get(k).shape()));
            return f.apply(moved).item();
        }
    }

    private static void assertRelativelyClose(double[] actual, double[] expected, double rel) {
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(rel * Math.max(scale, 1e-3)));
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}

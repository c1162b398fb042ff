package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.TensorStore;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.random.Rng;
import org.fmjvm.nn.Adam;
import org.fmjvm.nn.CfmLoss;
import org.fmjvm.nn.Mlp;
import org.fmjvm.nn.TrainableNetworkModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * fm-nn's training pieces, written once over the op set, on one backend, against hand-computed
 * results: the op-set Adam/AdamW update (with clipping and both kinds of weight decay) against
 * {@link ReferenceAdam}; the weighted CFM loss against plain Java; the exponential moving average
 * of the weights against the average computed on the host from the weights after every step; and,
 * where the backend has a fused Adam kernel, the kernel path of a training step against the op-set
 * path. {@link ModelContract} covers the network itself (velocity, divergences, training against
 * {@link ReferenceMlp}).
 *
 * <p>Subclass it once per backend and implement {@link #createBackend()}.
 */
public abstract class NetworkContract extends ScopedBackendSuite {
    private static final ModelSpec SPEC = new ModelSpec(2, List.of(16, 16), Activation.SILU,
            new TimeEmbedding.Sinusoidal(2));
    private Rng rng;

    /** Gives every test the same random inputs. */
    @BeforeEach
    public final void reseed() {
        rng = Rng.seeded(20261129L);
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("Adam", OptimizerSpec.adam(0.01)),
                Arguments.of("Adam, L2 decay 0.1", OptimizerSpec.adam(0.01).withWeightDecay(0.1, false)),
                Arguments.of("AdamW, decay 0.1", OptimizerSpec.adam(0.01).withWeightDecay(0.1, true)),
                Arguments.of("Adam, clipped to norm 0.5", OptimizerSpec.adam(0.01).withMaxGradNorm(0.5)));
    }

    /**
     * Three steps of {@link Adam#update} on this backend's tensors match {@link ReferenceAdam} in
     * float64, for every variant (1e-5 relative: the op-set update runs in float32).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    public void opSetAdamMatchesTheReference(String name, OptimizerSpec spec) {
        int[][] shapes = {{3, 4}, {3}};
        List<double[]> w = new ArrayList<>();
        List<float[]> wf = new ArrayList<>();
        for (int[] s : shapes) {
            float[] v = rng.normals(org.fmjvm.api.Shapes.size(s));
            wf.add(v);
            w.add(toDoubles(v));
        }
        ReferenceAdam reference = new ReferenceAdam(spec);
        try (TensorStore store = backend().openStore()) {
            List<Tensor> params = new ArrayList<>();
            List<Tensor> m = new ArrayList<>();
            List<Tensor> v = new ArrayList<>();
            for (int i = 0; i < shapes.length; i++) {
                params.add(store.create(wf.get(i), false, shapes[i]));
                m.add(store.create(new float[wf.get(i).length], false, shapes[i]));
                v.add(store.create(new float[wf.get(i).length], false, shapes[i]));
            }
            for (long step = 1; step <= 3; step++) {
                List<Tensor> grads = new ArrayList<>();
                List<double[]> g = new ArrayList<>();
                try (TensorScope s = backend().openScope()) {
                    for (int i = 0; i < shapes.length; i++) {
                        float[] gi = rng.normals(wf.get(i).length);
                        g.add(toDoubles(gi));
                        grads.add(backend().fromArray(gi, shapes[i]));
                    }
                    float[] sc = Adam.scalars(spec, spec.learningRate(), step);
                    Adam.Update u = Adam.update(spec, params, grads, m, v, backend().fromArray(new float[] {sc[0]}),
                            backend().fromArray(new float[] {sc[1]}), backend().fromArray(new float[] {sc[2]}));
                    for (int i = 0; i < shapes.length; i++) {
                        store.free(params.get(i));
                        store.free(m.get(i));
                        store.free(v.get(i));
                        params.set(i, store.adopt(u.params().get(i), false));
                        m.set(i, store.adopt(u.firstMoments().get(i), false));
                        v.set(i, store.adopt(u.secondMoments().get(i), false));
                    }
                }
                reference.step(w, g);
                for (int i = 0; i < shapes.length; i++) {
                    double[] got = params.get(i).toDoubleArray();
                    for (int k = 0; k < got.length; k++) {
                        assertThat(got[k]).as("%s step %d weight %d[%d]", name, step, i, k)
                                .isCloseTo(w.get(i)[k], within(1e-5 * Math.max(1, Math.abs(w.get(i)[k]))));
                    }
                }
            }
        }
    }

    /** {@code mean_b w_b sum_d (p - y)^2} against plain Java, with and without weights. */
    @Test
    public void weightedLossMatchesPlainJava() {
        int b = 5;
        int d = 3;
        float[] p = rng.normals(b * d);
        float[] y = rng.normals(b * d);
        float[] wts = rng.uniforms(b);
        double plain = 0;
        double weighted = 0;
        for (int i = 0; i < b; i++) {
            double row = 0;
            for (int k = 0; k < d; k++) {
                double diff = (double) p[i * d + k] - y[i * d + k];
                row += diff * diff;
            }
            plain += row / b;
            weighted += wts[i] * row / b;
        }
        Tensor pt = backend().fromArray(p, b, d);
        Tensor yt = backend().fromArray(y, b, d);
        assertThat(CfmLoss.of(pt, yt, null).item()).isCloseTo(plain, within(1e-5 * plain));
        assertThat(CfmLoss.of(pt, yt, backend().fromArray(wts, b)).item()).isCloseTo(weighted, within(1e-5 * weighted));
    }

    /**
     * The EMA after each of three training steps equals {@code e + (1 - decay)(w - e)} computed on
     * the host from the model's weights after that step, starting from the initial weights.
     */
    @Test
    public void emaFollowsTheHandComputedAverage() {
        double decay = 0.9;
        ModelWeights w0 = SPEC.initialWeights(rng);
        try (TrainableNetworkModel model = new TrainableNetworkModel(backend(), new Mlp(SPEC),
                OptimizerSpec.adam(0.05), w0)) {
            model.enableEma(decay);
            List<double[]> expected = new ArrayList<>();
            for (ModelWeights.Parameter p : w0.parameters()) {
                expected.add(toDoubles(p.values()));
            }
            assertSame(model.emaWeights().orElseThrow(), expected, 0, "initially");
            for (int step = 1; step <= 3; step++) {
                trainStep(model, 32);
                List<ModelWeights.Parameter> now = model.weights().parameters();
                for (int i = 0; i < expected.size(); i++) {
                    float[] w = now.get(i).values();
                    double[] e = expected.get(i);
                    for (int k = 0; k < e.length; k++) {
                        e[k] = e[k] + (1 - decay) * (w[k] - e[k]);
                    }
                }
                assertSame(model.emaWeights().orElseThrow(), expected, 1e-6, "after step " + step);
            }
            assertThat(model.emaWeights().orElseThrow()).isNotEqualTo(model.weights());
        }
    }

    /**
     * A backend with a fused Adam kernel takes the same training step through it as through the
     * op-set update: five steps of two models from the same weights agree to float32 precision.
     */
    @Test
    public void fusedKernelStepsMatchTheOpSetSteps() {
        org.junit.jupiter.api.Assumptions.assumeTrue(backend().fusedAdam().isPresent(),
                backend().name() + " has no fused Adam kernel");
        OptimizerSpec spec = OptimizerSpec.adam(0.01).withMaxGradNorm(1.0);
        ModelWeights w0 = SPEC.initialWeights(rng);
        try (TrainableNetworkModel fused = new TrainableNetworkModel(backend(), new Mlp(SPEC), spec, w0);
                TrainableNetworkModel opSet = TrainableNetworkModel.withoutFusedKernel(backend(), new Mlp(SPEC), spec,
                        w0)) {
            for (int step = 0; step < 5; step++) {
                long seed = rng.nextLong();
                trainStep(fused, 64, Rng.seeded(seed));
                trainStep(opSet, 64, Rng.seeded(seed));
            }
            List<ModelWeights.Parameter> a = fused.weights().parameters();
            List<ModelWeights.Parameter> b = opSet.weights().parameters();
            for (int i = 0; i < a.size(); i++) {
                float[] x = a.get(i).values();
                float[] y = b.get(i).values();
                for (int k = 0; k < x.length; k++) {
                    assertThat(x[k]).as("%s[%d]", a.get(i).name(), k).isCloseTo(y[k], within(2e-5f));
                }
            }
        }
    }

    private void trainStep(TrainableNetworkModel model, int batch) {
        trainStep(model, batch, rng);
    }

    private void trainStep(TrainableNetworkModel model, int batch, Rng draws) {
        try (TensorScope s = backend().openScope()) {
            Tensor t = backend().fromArray(draws.uniforms(batch), batch, 1);
            Tensor x = backend().fromArray(draws.normals(batch * 2), batch, 2);
            Tensor y = backend().fromArray(draws.normals(batch * 2), batch, 2);
            model.trainStep(t, x, y);
        }
    }

    private static void assertSame(ModelWeights got, List<double[]> expected, double tol, String when) {
        for (int i = 0; i < expected.size(); i++) {
            float[] g = got.parameters().get(i).values();
            for (int k = 0; k < g.length; k++) {
                assertThat((double) g[k]).as("EMA %s, %s[%d]", when, got.parameters().get(i).name(), k)
                        .isCloseTo(expected.get(i)[k], within(tol * Math.max(1, Math.abs(expected.get(i)[k]))));
            }
        }
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}

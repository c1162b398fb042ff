package org.fmjvm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.fmjvm.testkit.Checks.assertCloseScaled;
import static org.fmjvm.testkit.Checks.flatten;
import static org.fmjvm.testkit.Checks.maxAbs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.fmjvm.api.DType;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.OptimizerState;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A backend's velocity models against {@link ReferenceMlp} (float64, plain Java) and its optimizer
 * against {@link ReferenceAdam} (PyTorch's Adam and AdamW semantics):
 *
 * <ul>
 *   <li>velocity for every {@link Activation} with raw and sinusoidal time embeddings, within
 *       2e-5 of {@code max(1, max |v_ref|)};
 *   <li>exact divergence against central finite differences of the reference, Hutchinson's
 *       estimate against the exact divergence (basis probes) and against {@code e^T J e};
 *   <li>weights round-trip exactly, and wrong shapes fail with {@link ShapeMismatchException};
 *   <li>{@code trainStep} returns the loss before the update, lowers the loss, moves every weight
 *       by almost exactly {@code lr} at the first Adam step (where {@code m_hat / sqrt(v_hat)} is
 *       {@code sign(g)}), and follows the reference optimizer for several steps with large
 *       epsilon, L2 and decoupled weight decay, and global-norm clipping;
 *   <li>training is deterministic, inference calls between steps do not change it, and two models
 *       training on two threads at once end exactly where a lone run ends;
 *   <li>inputs of the wrong shape fail with {@link ShapeMismatchException}, float64 inputs with
 *       {@link IllegalArgumentException}.
 * </ul>
 *
 * <p>Subclass it once per backend and implement {@link #createBackend()}.
 */
public abstract class ModelContract extends ScopedBackendSuite {
    /** Velocity tolerance, relative to {@code max(1, max |v_ref|)}. */
    static final double VELOCITY_TOL = 2e-5;
    private static final int D = 3;

    // ---------------------------------------------------------------- fixtures

    private static ModelSpec spec(Activation activation, TimeEmbedding embedding) {
        return new ModelSpec(D, List.of(16, 12), activation, embedding);
    }

    private static ModelSpec silu() {
        return spec(Activation.SILU, new TimeEmbedding.Raw());
    }

    static Stream<Arguments> architectures() {
        List<Arguments> out = new ArrayList<>();
        for (Activation a : Activation.values()) {
            out.add(Arguments.of(a, new TimeEmbedding.Raw()));
            out.add(Arguments.of(a, new TimeEmbedding.Sinusoidal(3)));
        }
        return out.stream();
    }

    /** A batch on the host (float32 values) and the same batch as tensors. */
    private final class Batch {
        final float[] t;
        final float[] x;
        final float[] dxt;
        final int rows;

        Batch(Rng rng, int rows) {
            this.rows = rows;
            t = rng.uniforms(rows);
            x = rng.normals(rows * D);
            for (int i = 0; i < x.length; i++) {
                x[i] *= 1.5f;
            }
            dxt = rng.normals(rows * D);
        }

        Tensor t() {
            return backend().fromArray(t, rows, 1);
        }

        Tensor x() {
            return backend().fromArray(x, rows, D);
        }

        Tensor dxt() {
            return backend().fromArray(dxt, rows, D);
        }

        double[] times() {
            double[] out = new double[rows];
            for (int i = 0; i < rows; i++) {
                out[i] = t[i];
            }
            return out;
        }

        double[][] points() {
            return rowsOf(x);
        }

        double[][] targets() {
            return rowsOf(dxt);
        }

        /** @return the divergence of {@code ref} at every row, by central finite differences */
        double[] referenceDivergence(ReferenceMlp ref) {
            double[][] points = points();
            double[] out = new double[rows];
            for (int b = 0; b < rows; b++) {
                out[b] = ref.divergenceFiniteDifference(t[b], points[b], 1e-5);
            }
            return out;
        }

        private double[][] rowsOf(float[] flat) {
            double[][] out = new double[rows][D];
            for (int b = 0; b < rows; b++) {
                for (int d = 0; d < D; d++) {
                    out[b][d] = flat[b * D + d];
                }
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- forward

    /** velocity equals the reference MLP for every activation and time embedding. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architectures")
    public void velocityMatchesReference(Activation activation, TimeEmbedding embedding) {
        ModelSpec spec = spec(activation, embedding);
        ModelWeights w = spec.initialWeights(Rng.seeded(11));
        ReferenceMlp ref = new ReferenceMlp(spec, w);
        Batch batch = new Batch(Rng.seeded(12), 32);
        try (VelocityModel model = backend().newModel(spec, w)) {
            assertThat(model.spec()).isEqualTo(spec);
            assertThat(model.backend()).isSameAs(backend());
            Tensor v = model.velocity(batch.t(), batch.x());
            assertThat(v.shape()).containsExactly(batch.rows, D);
            assertThat(v.dtype()).isEqualTo(DType.FLOAT32);
            double[] want = flatten(ref.velocity(batch.times(), batch.points()));
            assertCloseScaled("velocity " + spec.describe(), v.toDoubleArray(), want, VELOCITY_TOL,
                    Math.max(1, maxAbs(want)));
        }
    }

    /** velocity(double, x) is velocity with that time in every row. */
    @Test
    public void velocityAtOneTimeForTheWholeBatch() {
        ModelSpec spec = spec(Activation.TANH, new TimeEmbedding.Sinusoidal(2));
        ModelWeights w = spec.initialWeights(Rng.seeded(3));
        ReferenceMlp ref = new ReferenceMlp(spec, w);
        Batch batch = new Batch(Rng.seeded(4), 8);
        try (VelocityModel model = backend().newModel(spec, w)) {
            double[] got = model.velocity(0.375, batch.x()).toDoubleArray();
            double[] times = new double[batch.rows];
            java.util.Arrays.fill(times, 0.375);
            double[] want = flatten(ref.velocity(times, batch.points()));
            assertCloseScaled("velocity at t = 0.375", got, want, VELOCITY_TOL, Math.max(1, maxAbs(want)));
        }
    }

    /** weights() returns exactly the weights the model was built from. */
    @Test
    public void weightsRoundTripExactly() {
        ModelSpec spec = spec(Activation.RELU, new TimeEmbedding.Sinusoidal(2));
        ModelWeights w = spec.initialWeights(Rng.seeded(5));
        try (VelocityModel model = backend().newModel(spec, w)) {
            assertThat(model.weights()).isEqualTo(w);
        }
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-3), w)) {
            assertThat(model.weights()).isEqualTo(w);
            assertThat(model.stepsTaken()).isZero();
            assertThat(model.optimizer()).isEqualTo(OptimizerSpec.adam(1e-3));
        }
    }

    /** Weights that do not fit the spec are rejected with ShapeMismatchException. */
    @Test
    public void newModelRejectsWeightsOfTheWrongShape() {
        ModelSpec spec = silu();
        ModelWeights other = spec.withDim(2).initialWeights(Rng.seeded(1));
        assertThatThrownBy(() -> backend().newModel(spec, other)).isInstanceOf(ShapeMismatchException.class);
        assertThatThrownBy(() -> backend().newTrainableModel(spec, OptimizerSpec.adam(1e-3), other))
                .isInstanceOf(ShapeMismatchException.class);
        List<ModelWeights.Parameter> params = new ArrayList<>(spec.initialWeights(Rng.seeded(1)).parameters());
        ModelWeights.Parameter first = params.get(0);
        int[] s = first.shape();
        params.set(0, new ModelWeights.Parameter(first.name(), new int[] {s[1], s[0]}, first.values()));
        ModelWeights transposed = new ModelWeights(params);
        assertThatThrownBy(() -> backend().newModel(spec, transposed)).isInstanceOf(ShapeMismatchException.class);
        assertThat(backend().liveTensors()).isEqualTo(baseline());
    }

    /**
     * Inputs of the wrong shape are rejected with ShapeMismatchException by every model method, and
     * float64 inputs with IllegalArgumentException (models run in float32).
     */
    @Test
    public void wrongInputShapesAndDTypesAreRejected() {
        ModelSpec spec = silu();
        Batch batch = new Batch(Rng.seeded(6), 8);
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-3),
                spec.initialWeights(Rng.seeded(1)))) {
            Tensor t = batch.t();
            Tensor x = batch.x();
            Tensor wide = backend().fromArray(new float[8 * (D + 1)], 8, D + 1);
            Tensor flatT = backend().fromArray(batch.t, 8);
            Tensor shortT = backend().fromArray(new float[7], 7, 1);
            assertThatThrownBy(() -> model.velocity(t, wide)).isInstanceOf(ShapeMismatchException.class)
                    .hasMessageContaining(String.valueOf(D + 1));
            assertThatThrownBy(() -> model.velocity(flatT, x)).isInstanceOf(ShapeMismatchException.class);
            assertThatThrownBy(() -> model.velocity(shortT, x)).isInstanceOf(ShapeMismatchException.class);
            assertThatThrownBy(() -> model.divergence(t, wide)).isInstanceOf(ShapeMismatchException.class);
            assertThatThrownBy(() -> model.divergenceEstimate(t, x, wide)).isInstanceOf(ShapeMismatchException.class);
            assertThatThrownBy(() -> model.trainStep(t, x, wide)).isInstanceOf(ShapeMismatchException.class);
            assertThatThrownBy(() -> model.trainStep(flatT, x, x)).isInstanceOf(ShapeMismatchException.class);
            assertThatThrownBy(() -> model.loss(t, wide, x)).isInstanceOf(ShapeMismatchException.class);
            Tensor x64 = x.toDType(DType.FLOAT64);
            assertThatThrownBy(() -> model.velocity(t, x64)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("float32");
            assertThatThrownBy(() -> model.velocity(t.toDType(DType.FLOAT64), x))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.divergenceEstimate(t, x, x64)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.trainStep(t, x, x64)).isInstanceOf(IllegalArgumentException.class);
            assertThat(model.stepsTaken()).isZero();
        }
    }

    /** A closed model cannot be used. */
    @Test
    public void closedModelCannotBeUsed() {
        ModelSpec spec = silu();
        VelocityModel model = backend().newModel(spec, spec.initialWeights(Rng.seeded(1)));
        model.close();
        Batch batch = new Batch(Rng.seeded(6), 4);
        Tensor t = batch.t();
        Tensor x = batch.x();
        assertThatThrownBy(() -> model.velocity(t, x)).isInstanceOf(IllegalStateException.class);
        model.close();
    }

    // ---------------------------------------------------------------- divergence

    /** The exact divergence equals central finite differences of the reference MLP. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architectures")
    public void divergenceMatchesFiniteDifferences(Activation activation, TimeEmbedding embedding) {
        ModelSpec spec = spec(activation, embedding);
        ModelWeights w = spec.initialWeights(Rng.seeded(21));
        ReferenceMlp ref = new ReferenceMlp(spec, w);
        Batch batch = new Batch(Rng.seeded(22), 8);
        try (VelocityModel model = backend().newModel(spec, w)) {
            Tensor div = model.divergence(batch.t(), batch.x());
            assertThat(div.shape()).containsExactly(batch.rows);
            double[] want = batch.referenceDivergence(ref);
            assertCloseScaled("divergence " + spec.describe(), div.toDoubleArray(), want, 1e-4,
                    Math.max(1, maxAbs(want)));
        }
    }

    /** Hutchinson with the D basis vectors as probes sums to the exact divergence. */
    @Test
    public void hutchinsonWithBasisProbesSumsToTheExactDivergence() {
        ModelSpec spec = spec(Activation.SILU, new TimeEmbedding.Sinusoidal(3));
        ModelWeights w = spec.initialWeights(Rng.seeded(31));
        Batch batch = new Batch(Rng.seeded(32), 8);
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-3), w)) {
            Tensor t = batch.t();
            Tensor x = batch.x();
            double[] exact = model.divergence(t, x).toDoubleArray();
            double[] sum = new double[batch.rows];
            for (int i = 0; i < D; i++) {
                float[] e = new float[batch.rows * D];
                for (int b = 0; b < batch.rows; b++) {
                    e[b * D + i] = 1;
                }
                Tensor est = model.divergenceEstimate(t, x, backend().fromArray(e, batch.rows, D));
                assertThat(est.shape()).containsExactly(batch.rows);
                double[] v = est.toDoubleArray();
                for (int b = 0; b < batch.rows; b++) {
                    sum[b] += v[b];
                }
            }
            assertCloseScaled("sum of basis estimates", sum, exact, 1e-5, Math.max(1, maxAbs(exact)));
            double[] want = batch.referenceDivergence(new ReferenceMlp(spec, w));
            assertCloseScaled("sum of basis estimates vs reference", sum, want, 1e-4, Math.max(1, maxAbs(want)));
        }
    }

    /** Hutchinson's estimate with a random probe e is the quadratic form e^T J e. */
    @Test
    public void hutchinsonIsTheQuadraticForm() {
        ModelSpec spec = spec(Activation.TANH, new TimeEmbedding.Raw());
        ModelWeights w = spec.initialWeights(Rng.seeded(41));
        ReferenceMlp ref = new ReferenceMlp(spec, w);
        Batch batch = new Batch(Rng.seeded(42), 8);
        float[] probe = Rng.seeded(43).normals(batch.rows * D);
        try (VelocityModel model = backend().newModel(spec, w)) {
            double[] got = model.divergenceEstimate(batch.t(), batch.x(), backend().fromArray(probe, batch.rows, D))
                    .toDoubleArray();
            double[][] points = batch.points();
            double[] want = new double[batch.rows];
            for (int b = 0; b < batch.rows; b++) {
                double[][] jac = ref.jacobianFiniteDifference(batch.t[b], points[b], 1e-5);
                double q = 0;
                for (int i = 0; i < D; i++) {
                    for (int j = 0; j < D; j++) {
                        q += probe[b * D + i] * jac[i][j] * probe[b * D + j];
                    }
                }
                want[b] = q;
            }
            assertCloseScaled("e^T J e", got, want, 1e-4, Math.max(1, maxAbs(want)));
        }
    }

    // ---------------------------------------------------------------- training

    /** trainStep returns the loss before the update: the reference loss and loss() just before it. */
    @Test
    public void trainStepReturnsTheLossBeforeTheUpdate() {
        ModelSpec spec = silu();
        ModelWeights w = spec.initialWeights(Rng.seeded(51));
        Batch batch = new Batch(Rng.seeded(52), 64);
        double refLoss = new ReferenceMlp(spec, w).loss(batch.times(), batch.points(), batch.targets());
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-2), w)) {
            Tensor t = batch.t();
            Tensor x = batch.x();
            Tensor dxt = batch.dxt();
            double before = model.loss(t, x, dxt);
            assertThat(model.weights()).as("loss() leaves the weights alone").isEqualTo(w);
            assertThat(model.stepsTaken()).isZero();
            assertThat(before).isCloseTo(refLoss, org.assertj.core.data.Offset.offset(1e-5 * refLoss));
            double returned = model.trainStep(t, x, dxt);
            assertThat(returned).isCloseTo(before, org.assertj.core.data.Offset.offset(1e-6 * before));
            assertThat(model.stepsTaken()).isEqualTo(1);
            assertThat(model.weights()).isNotEqualTo(w);
        }
    }

    /** One step on a fixed batch lowers the loss on that batch. */
    @Test
    public void oneTrainStepLowersTheLoss() {
        ModelSpec spec = spec(Activation.SOFTPLUS, new TimeEmbedding.Sinusoidal(2));
        Batch batch = new Batch(Rng.seeded(62), 64);
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-3),
                spec.initialWeights(Rng.seeded(61)))) {
            Tensor t = batch.t();
            Tensor x = batch.x();
            Tensor dxt = batch.dxt();
            double before = model.loss(t, x, dxt);
            model.trainStep(t, x, dxt);
            double after = model.loss(t, x, dxt);
            assertThat(after).isLessThan(before);
        }
    }

    /**
     * At the first Adam step {@code m_hat / sqrt(v_hat) = sign(g)}, so every weight whose gradient
     * is far above epsilon moves by {@code lr} against its gradient's sign (gradients from the
     * reference backpropagation), and no weight moves by more than {@code lr}.
     */
    @Test
    public void firstAdamStepMovesEveryWeightByTheLearningRate() {
        ModelSpec spec = silu();
        ModelWeights w0 = spec.initialWeights(Rng.seeded(71));
        Batch batch = new Batch(Rng.seeded(72), 64);
        double lr = 1e-2;
        List<double[]> grads = new ReferenceMlp(spec, w0).lossGradient(batch.times(), batch.points(),
                batch.targets());
        double gmax = grads.stream().mapToDouble(Checks::maxAbs).max().orElseThrow();
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(lr), w0)) {
            model.trainStep(batch.t(), batch.x(), batch.dxt());
            List<double[]> before = ReferenceMlp.toDoubles(w0);
            List<double[]> after = ReferenceMlp.toDoubles(model.weights());
            int checked = 0;
            int total = 0;
            for (int p = 0; p < before.size(); p++) {
                for (int i = 0; i < before.get(p).length; i++) {
                    total++;
                    double delta = before.get(p)[i] - after.get(p)[i];
                    double g = grads.get(p)[i];
                    String where = w0.parameters().get(p).name() + "[" + i + "]";
                    assertThat(Math.abs(delta)).as("step of %s", where).isLessThanOrEqualTo(lr * (1 + 1e-4) + 1e-7);
                    if (Math.abs(g) > Math.max(1e-4, 1e-3 * gmax)) {
                        checked++;
                        if (Math.signum(delta) != Math.signum(g) || Math.abs(Math.abs(delta) - lr) > 2e-4 * lr + 2e-7) {
                            fail("first Adam step of " + where + " moved by " + delta + " for gradient " + g
                                    + "; expected " + Math.signum(g) * lr);
                        }
                    }
                }
            }
            assertThat(checked).as("weights with a clear gradient").isGreaterThan(total / 2);
        }
    }

    /**
     * A rate set with {@link TrainableModel#setLearningRate} is the one the next step uses: the
     * first step then moves no weight by more than that rate, and the clearest ones by exactly it.
     */
    @Test
    public void setLearningRateSetsTheNextStepSize() {
        ModelSpec spec = silu();
        ModelWeights w0 = spec.initialWeights(Rng.seeded(73));
        Batch batch = new Batch(Rng.seeded(74), 64);
        double rate = 3e-3;
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-2), w0)) {
            assertThat(model.learningRate()).isEqualTo(1e-2);
            model.setLearningRate(rate);
            assertThat(model.learningRate()).isEqualTo(rate);
            assertThatThrownBy(() -> model.setLearningRate(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.setLearningRate(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
            model.trainStep(batch.t(), batch.x(), batch.dxt());
            double largest = 0;
            List<double[]> before = ReferenceMlp.toDoubles(w0);
            List<double[]> after = ReferenceMlp.toDoubles(model.weights());
            for (int p = 0; p < before.size(); p++) {
                for (int i = 0; i < before.get(p).length; i++) {
                    largest = Math.max(largest, Math.abs(before.get(p)[i] - after.get(p)[i]));
                }
            }
            assertThat(largest).isCloseTo(rate, within(2e-4 * rate + 2e-7));
            model.setLearningRate(0);
            ModelWeights frozen = model.weights();
            model.trainStep(batch.t(), batch.x(), batch.dxt());
            assertThat(model.weights()).isEqualTo(frozen);
        }
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("large epsilon", new OptimizerSpec(1e-2, 0.9, 0.999, 1e-2, 0, false, 0)),
                Arguments.of("L2 weight decay", OptimizerSpec.adam(1e-2).withWeightDecay(0.1, false)),
                Arguments.of("decoupled weight decay", OptimizerSpec.adam(1e-2).withWeightDecay(0.5, true)),
                Arguments.of("clipping", new OptimizerSpec(1e-2, 0.8, 0.99, 1e-4, 0, false, 1e-2)),
                Arguments.of("clipping with decay", new OptimizerSpec(5e-3, 0.9, 0.999, 1e-4, 0.2, true, 1e-2)));
    }

    /**
     * Three steps follow {@link ReferenceAdam}, for every weight whose effective gradient is well
     * above rounding noise at each step. With a large epsilon this checks where epsilon enters (a
     * bias-corrected denominator); with tiny clipping norms it checks the global-norm rescaling,
     * which changes the step once the norm differs between steps.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    public void trainingFollowsTheReferenceOptimizer(String name, OptimizerSpec optimizer) {
        ModelSpec spec = silu();
        ModelWeights w0 = spec.initialWeights(Rng.seeded(81));
        Rng data = Rng.seeded(82);
        List<double[]> params = ReferenceMlp.toDoubles(w0);
        ReferenceAdam adam = new ReferenceAdam(optimizer);
        int steps = 3;
        List<boolean[]> clear = new ArrayList<>();
        for (double[] p : params) {
            boolean[] c = new boolean[p.length];
            java.util.Arrays.fill(c, true);
            clear.add(c);
        }
        try (TrainableModel model = backend().newTrainableModel(spec, optimizer, w0)) {
            for (int s = 0; s < steps; s++) {
                Batch batch = new Batch(data, 64);
                List<double[]> grads = ReferenceMlp.of(spec, params).lossGradient(batch.times(), batch.points(),
                        batch.targets());
                adam.step(params, grads);
                List<double[]> eff = adam.lastEffectiveGradients();
                double emax = eff.stream().mapToDouble(Checks::maxAbs).max().orElseThrow();
                for (int p = 0; p < eff.size(); p++) {
                    for (int i = 0; i < eff.get(p).length; i++) {
                        if (Math.abs(eff.get(p)[i]) <= 1e-3 * emax) {
                            clear.get(p)[i] = false;
                        }
                    }
                }
                try (TensorScope step = backend().openScope()) {
                    model.trainStep(batch.t(), batch.x(), batch.dxt());
                }
            }
            List<double[]> got = ReferenceMlp.toDoubles(model.weights());
            double lr = optimizer.learningRate();
            int checked = 0;
            int total = 0;
            for (int p = 0; p < params.size(); p++) {
                for (int i = 0; i < params.get(p).length; i++) {
                    total++;
                    if (!clear.get(p)[i]) {
                        continue;
                    }
                    checked++;
                    double want = params.get(p)[i];
                    double err = Math.abs(got.get(p)[i] - want);
                    if (err > 1e-3 * lr * steps + 1e-6 * Math.max(1, Math.abs(want))) {
                        fail(name + ": after " + steps + " steps " + w0.parameters().get(p).name() + "[" + i + "] is "
                                + got.get(p)[i] + ", reference " + want + " (start "
                                + ReferenceMlp.toDoubles(w0).get(p)[i] + ")");
                    }
                }
            }
            assertThat(checked).as("weights with a clear gradient").isGreaterThan(total / 2);
            assertThat(model.stepsTaken()).isEqualTo(steps);
        }
    }

    /**
     * Two models train on two threads at once (each thread with its own scopes), and each ends
     * exactly where a lone run on the test thread ends: a backend serialises what its engine cannot
     * run concurrently, and nothing leaks between the sessions.
     */
    @Test
    @SuppressWarnings("try") // scopes are opened for their effect: they own what is made inside
    public void twoModelsTrainOnTwoThreadsAtOnce() throws Exception {
        ModelSpec spec = new ModelSpec(2, List.of(64, 64), Activation.SILU, new TimeEmbedding.Raw());
        ModelWeights w = spec.initialWeights(Rng.seeded(1));
        Supplier<ModelWeights> run = () -> {
            try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-2), w)) {
                Rng rng = Rng.seeded(5);
                for (int s = 0; s < 150; s++) {
                    try (TensorScope scope = backend().openScope()) {
                        Tensor t = backend().rand(rng, 64, 1);
                        Tensor x = backend().randn(rng, 64, 2);
                        model.trainStep(t, x, x.mul(-1));
                        model.divergence(t, x);
                    }
                }
                return model.weights();
            }
        };
        CompletableFuture<ModelWeights> a = CompletableFuture.supplyAsync(run, r -> new Thread(r, "trainer-a").start());
        CompletableFuture<ModelWeights> b = CompletableFuture.supplyAsync(run, r -> new Thread(r, "trainer-b").start());
        ModelWeights wa = a.get(120, TimeUnit.SECONDS);
        assertThat(b.get(120, TimeUnit.SECONDS)).isEqualTo(wa);
        assertThat(run.get()).isEqualTo(wa);
        assertThat(backend().liveTensors()).isEqualTo(baseline());
    }

    /** Two models from the same weights trained on the same batches end bitwise identical. */
    @Test
    public void trainingIsDeterministic() {
        ModelSpec spec = spec(Activation.SILU, new TimeEmbedding.Sinusoidal(2));
        ModelWeights w0 = spec.initialWeights(Rng.seeded(91));
        OptimizerSpec opt = OptimizerSpec.adam(1e-2).withMaxGradNorm(1.0);
        trainSideBySide(spec, opt, w0, 92, 10, 128, (a, b, t, x, dxt) -> {
            double la = a.trainStep(t, x, dxt);
            double lb = b.trainStep(t, x, dxt);
            assertThat(la).isEqualTo(lb);
        });
    }

    /**
     * A model built from another's weights and given its {@link TrainableModel#optimizerState()}
     * (steps, a changed learning rate, Adam's moments, with clipping and weight decay on) continues
     * bitwise as the original: the same losses, weights and state after three more steps.
     */
    @Test
    public void optimizerStateRoundTripContinuesBitwise() {
        ModelSpec spec = spec(Activation.SILU, new TimeEmbedding.Sinusoidal(2));
        OptimizerSpec opt = OptimizerSpec.adam(1e-2).withMaxGradNorm(1.0).withWeightDecay(0.01, true);
        Rng data = Rng.seeded(112);
        try (TrainableModel original = backend().newTrainableModel(spec, opt, spec.initialWeights(Rng.seeded(111)))) {
            assertThat(original.optimizerState()).isEqualTo(OptimizerState.initial(spec, 1e-2));
            for (int s = 0; s < 3; s++) {
                trainOn(new Batch(data, 64), original);
            }
            original.setLearningRate(3e-3);
            OptimizerState state = original.optimizerState();
            assertThat(state.steps()).isEqualTo(3);
            assertThat(state.learningRate()).isEqualTo(3e-3);
            assertThat(state.firstMoments().names()).isEqualTo(spec.parameterShapes().stream()
                    .map(ModelWeights.Parameter::name).toList());
            assertThat(state.secondMoments()).isNotEqualTo(OptimizerState.initial(spec, 1e-2).secondMoments());
            try (TrainableModel resumed = backend().newTrainableModel(spec, opt, original.weights())) {
                resumed.restoreOptimizerState(state);
                assertThat(resumed.stepsTaken()).isEqualTo(3);
                assertThat(resumed.learningRate()).isEqualTo(3e-3);
                assertThat(resumed.optimizerState()).isEqualTo(state);
                for (int s = 0; s < 3; s++) {
                    Batch batch = new Batch(data, 64);
                    double[] losses = trainOn(batch, original, resumed);
                    assertThat(Double.doubleToRawLongBits(losses[1])).as("loss of step " + (4 + s))
                            .isEqualTo(Double.doubleToRawLongBits(losses[0]));
                }
                Bitwise.assertSameBits("weights after the resumed steps", original.weights(), resumed.weights());
                assertThat(resumed.optimizerState()).isEqualTo(original.optimizerState());
            }
        }
        assertThat(backend().liveTensors()).isEqualTo(baseline());
    }

    /** A state of another architecture, or with a bad rate, is rejected naming the tensor and both shapes. */
    @Test
    public void restoreOptimizerStateRejectsAStateThatDoesNotFit() {
        ModelSpec spec = silu();
        ModelSpec wider = new ModelSpec(D, List.of(16, 13), Activation.SILU, new TimeEmbedding.Raw());
        try (TrainableModel model = backend().newTrainableModel(spec, OptimizerSpec.adam(1e-3),
                spec.initialWeights(Rng.seeded(113)))) {
            OptimizerState before = model.optimizerState();
            assertThatThrownBy(() -> model.restoreOptimizerState(OptimizerState.initial(wider, 1e-3)))
                    .isInstanceOf(ShapeMismatchException.class)
                    .hasMessageContaining("first moments")
                    .hasMessageContaining("net.2.weight[13, 16]")
                    .hasMessageContaining("net.2.weight[12, 16]");
            OptimizerState good = OptimizerState.initial(spec, 1e-3);
            assertThatThrownBy(() -> new OptimizerState(2, Double.NaN, good.firstMoments(), good.secondMoments()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
            assertThat(model.optimizerState()).isEqualTo(before);
        }
    }

    /** One training step of every model on the batch, each in a scope; returns the losses. */
    private double[] trainOn(Batch batch, TrainableModel... models) {
        double[] losses = new double[models.length];
        try (TensorScope scope = backend().openScope()) {
            Tensor t = batch.t();
            Tensor x = batch.x();
            Tensor dxt = batch.dxt();
            for (int i = 0; i < models.length; i++) {
                losses[i] = models[i].trainStep(t, x, dxt);
            }
        }
        return losses;
    }

    /**
     * Inference between training steps (velocity, loss, exact and estimated divergence, which all
     * run backward passes or forward passes through the weights) leaves training unchanged.
     */
    @Test
    public void inferenceBetweenStepsDoesNotDisturbTraining() {
        ModelSpec spec = silu();
        ModelWeights w0 = spec.initialWeights(Rng.seeded(101));
        OptimizerSpec opt = OptimizerSpec.adam(1e-2);
        trainSideBySide(spec, opt, w0, 102, 5, 32, (busy, plain, t, x, dxt) -> {
            busy.divergence(t, x);
            busy.divergenceEstimate(t, x, dxt);
            busy.velocity(t, x);
            busy.loss(t, x, dxt);
            busy.trainStep(t, x, dxt);
            busy.divergence(t, x);
            plain.trainStep(t, x, dxt);
        });
    }

    /** One step of {@link #trainSideBySide}: what a test does with its two models and the step's batch. */
    @FunctionalInterface
    private interface PairStep {
        void run(TrainableModel a, TrainableModel b, Tensor t, Tensor x, Tensor dxt);
    }

    /**
     * Builds two trainable models from the same spec, optimizer and weights, runs {@code step} on
     * both for {@code steps} fresh batches of {@code rows} rows (drawn from {@code Rng.seeded(seed)}),
     * each step in its own scope, and checks that the two end with bitwise identical weights.
     */
    private void trainSideBySide(ModelSpec spec, OptimizerSpec opt, ModelWeights w0, long seed, int steps, int rows,
            PairStep step) {
        try (TrainableModel a = backend().newTrainableModel(spec, opt, w0);
                TrainableModel b = backend().newTrainableModel(spec, opt, w0)) {
            Rng data = Rng.seeded(seed);
            for (int s = 0; s < steps; s++) {
                try (TensorScope scope = backend().openScope()) {
                    Batch batch = new Batch(data, rows);
                    step.run(a, b, batch.t(), batch.x(), batch.dxt());
                }
            }
            assertThat(a.weights()).isEqualTo(b.weights());
        }
    }
}

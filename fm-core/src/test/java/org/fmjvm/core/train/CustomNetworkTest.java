package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.model.ModelInput;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.nn.ClassEmbedding;
import org.fmjvm.nn.Layers;
import org.fmjvm.nn.Linear;
import org.fmjvm.nn.Network;
import org.fmjvm.nn.ParamSpec;
import org.fmjvm.nn.Params;
import org.fmjvm.nn.TrainableNetworkModel;
import org.junit.jupiter.api.Test;

/**
 * A network written here, in a test, from fm-nn's public layers only, trains on both backends with
 * no backend code: a class-conditional velocity field with a learned label embedding, sinusoidal
 * time features and a residual hidden block. It proves the API a new architecture needs
 * (parameters by name, {@link ModelInput} with a condition, per-sample loss weights) and that the
 * two backends agree on it: the same velocities from the same weights (1e-5), the same first
 * losses, and after training the same conditional samples: each class's points land on its own
 * target, as conditional flow matching promises.
 */
class CustomNetworkTest {
    private static final int DIM = 2;
    private static final int HIDDEN = 64;
    private static final int CLASSES = 2;
    private static final int STEPS = 600;
    private static final int BATCH = 128;
    /** Class 0's points sit around (+3, 0), class 1's around (-3, 0). */
    private static final double[][] CENTERS = {{3, 0}, {-3, 0}};
    private static final double SPREAD = 0.3;

    /** The test's own architecture: embed(label) and time features join x; one residual hidden block. */
    static final class LabelledResidualNet implements Network {
        private final TimeEmbedding.Sinusoidal time = new TimeEmbedding.Sinusoidal(4);
        private final ClassEmbedding label = new ClassEmbedding("label", CLASSES, 8);
        private final Linear in = new Linear("in", DIM + 1 + 8 + 8, HIDDEN);
        private final Linear mid = new Linear("mid", HIDDEN, HIDDEN);
        private final Linear out = new Linear("out", HIDDEN, DIM);

        @Override
        public int dim() {
            return DIM;
        }

        @Override
        public List<ParamSpec> parameters() {
            List<ParamSpec> all = new ArrayList<>(label.parameters());
            all.addAll(in.parameters());
            all.addAll(mid.parameters());
            all.addAll(out.parameters());
            return all;
        }

        @Override
        public List<ModelWeights.Parameter> buffers() {
            return Layers.timeBuffers(time);
        }

        @Override
        public Tensor forward(Params p, ModelInput input) {
            List<Tensor> columns = new ArrayList<>();
            columns.add(input.x());
            columns.addAll(Layers.timeFeatures(time, p, input.t()));
            columns.add(label.apply(p, input.condition()));
            Tensor h = input.x().backend().concat(columns, 1).linear(p.get(in.weightName()), p.get(in.biasName()))
                    .silu();
            Tensor residual = h.add(mid.apply(p, h).silu());
            return out.apply(p, residual);
        }

        @Override
        public String describe() {
            return "labelled residual net";
        }
    }

    private static ModelWeights initialWeights(Network net, Rng rng) {
        List<ModelWeights.Parameter> ps = new ArrayList<>();
        for (ParamSpec p : net.parameters()) {
            int fanIn = p.shape().length == 2 && !p.name().startsWith("label") ? p.shape()[1] : 1;
            double bound = 1 / Math.sqrt(fanIn);
            float[] v = new float[p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
            }
            ps.add(new ModelWeights.Parameter(p.name(), p.shape(), v));
        }
        return new ModelWeights(ps);
    }

    /** One training run's record. */
    record Run(double firstLoss, double lastLosses, float[] probeVelocity, double[][] classMeans) {
    }

    private static Run train(String backendName) {
        LabelledResidualNet net = new LabelledResidualNet();
        ModelWeights w0 = initialWeights(net, Rng.seeded(11));
        Rng rng = Rng.seeded(12);
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(1)
                .withBackend(ComponentChoice.of(backendName)));
                TrainableNetworkModel model = new TrainableNetworkModel(fm.backend(), net, OptimizerSpec.adam(3e-3),
                        w0)) {
            Backend b = fm.backend();
            float[] probe;
            try (TensorScope s = b.openScope()) {
                probe = model.velocity(new ModelInput(b.fromArray(new float[] {0.3f, 0.7f}, 2, 1),
                        b.fromArray(new float[] {0.5f, -1f, 2f, 0.25f}, 2, 2),
                        b.fromArray(new float[] {0, 1}, 2))).toFloatArray();
            }
            double first = 0;
            double last = 0;
            for (int step = 0; step < STEPS; step++) {
                float[] t = new float[BATCH];
                float[] xt = new float[BATCH * DIM];
                float[] target = new float[BATCH * DIM];
                float[] labels = new float[BATCH];
                float[] weights = new float[BATCH];
                for (int i = 0; i < BATCH; i++) {
                    int c = rng.nextDouble() < 0.5 ? 0 : 1;
                    labels[i] = c;
                    t[i] = (float) rng.nextDouble();
                    weights[i] = 1f;
                    for (int d = 0; d < DIM; d++) {
                        double x0 = rng.nextGaussian();
                        double x1 = CENTERS[c][d] + SPREAD * rng.nextGaussian();
                        xt[i * DIM + d] = (float) (t[i] * x1 + (1 - t[i]) * x0);
                        target[i * DIM + d] = (float) (x1 - x0);
                    }
                }
                try (TensorScope s = b.openScope()) {
                    double loss = model.trainStep(new ModelInput(b.fromArray(t, BATCH, 1), b.fromArray(xt, BATCH, DIM),
                            b.fromArray(labels, BATCH)), b.fromArray(target, BATCH, DIM), b.fromArray(weights, BATCH));
                    if (step == 0) {
                        first = loss;
                    }
                    if (step >= STEPS - 50) {
                        last += loss / 50;
                    }
                }
            }
            return new Run(first, last, probe, classMeans(b, model, Rng.seeded(13)));
        }
    }

    /** Euler-50 samples per class, from the same noise on every backend; their means. */
    private static double[][] classMeans(Backend b, TrainableNetworkModel model, Rng rng) {
        int n = 400;
        int k = 50;
        double[][] means = new double[CLASSES][DIM];
        for (int c = 0; c < CLASSES; c++) {
            try (TensorScope s = b.openScope()) {
                float[] labels = new float[n];
                java.util.Arrays.fill(labels, c);
                Tensor label = b.fromArray(labels, n);
                Tensor x = b.fromArray(rng.normals(n * DIM), n, DIM);
                for (int i = 0; i < k; i++) {
                    try (TensorScope step = b.openScope()) {
                        Tensor v = model.velocity(new ModelInput(b.full((double) i / k, n, 1), x, label));
                        x = step.keep(x.add(v.mul(1.0 / k)));
                    }
                }
                float[] xs = x.toFloatArray();
                for (int i = 0; i < n; i++) {
                    for (int d = 0; d < DIM; d++) {
                        means[c][d] += xs[i * DIM + d] / n;
                    }
                }
            }
        }
        return means;
    }

    @Test
    void aNetworkWrittenInATestTrainsTheSameOnBothBackends() {
        Run djl = train("djl");
        Run tf = train("tf");

        // the same weights give the same velocities, and the first step the same loss
        for (int i = 0; i < djl.probeVelocity().length; i++) {
            assertThat(tf.probeVelocity()[i]).as("velocity %d", i)
                    .isCloseTo(djl.probeVelocity()[i], within(1e-5f * Math.max(1, Math.abs(djl.probeVelocity()[i]))));
        }
        assertThat(tf.firstLoss()).isCloseTo(djl.firstLoss(), within(1e-5 * djl.firstLoss()));

        for (Run run : List.of(djl, tf)) {
            // it learned: the loss fell well below the start (the irreducible loss here is about 2 + 2 SPREAD^2)
            assertThat(run.lastLosses()).isLessThan(0.5 * run.firstLoss());
            // and the condition steers it: each class's samples land on that class's center
            for (int c = 0; c < CLASSES; c++) {
                assertThat(run.classMeans()[c][0]).as("class %d mean x", c).isCloseTo(CENTERS[c][0], within(0.3));
                assertThat(run.classMeans()[c][1]).as("class %d mean y", c).isCloseTo(CENTERS[c][1], within(0.3));
            }
        }
        // the two engines end up at the same conditional samples (float32 drift over 600 steps only)
        for (int c = 0; c < CLASSES; c++) {
            for (int d = 0; d < DIM; d++) {
                assertThat(tf.classMeans()[c][d]).isCloseTo(djl.classMeans()[c][d], within(0.05));
            }
        }
    }
}

package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.train.TrainingListener;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.EmpiricalDataset;
import org.fmjvm.core.data.RowSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Held-out evaluation: it does not disturb training, it sees overfitting, and it keeps the best weights. */
class ValidationTest {

    private static final int DIM = 3;

    private static ModelSpec spec(int width) {
        return new ModelSpec(DIM, List.of(width, width), Activation.SILU, new TimeEmbedding.Raw());
    }

    /** Rows of a correlated Gaussian. */
    private static float[] table(int rows, long seed) {
        float[] z = Rng.seeded(seed).normals(rows * DIM);
        float[] out = new float[z.length];
        for (int r = 0; r < rows; r++) {
            float a = z[r * DIM];
            float b = z[r * DIM + 1];
            float c = z[r * DIM + 2];
            out[r * DIM] = a;
            out[r * DIM + 1] = 0.8f * a + 0.6f * b;
            out[r * DIM + 2] = 0.5f * c - 0.3f * a;
        }
        return out;
    }

    private record Run(TrainingResult result, ModelWeights finalWeights) {
    }

    private static Run run(String backend, float[] train, Validation validation, int steps, int width) {
        List<ValidationEnd> seen = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onValidation(ValidationEnd event) {
                seen.add(event);
            }
        };
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(5)
                .withBackend(ComponentChoice.of(backend)));
                TrainableModel model = fm.newTrainableModel(spec(width), OptimizerSpec.adam(3e-3))) {
            TrainingResult r = fm.trainer(EmpiricalDataset.of("table", train, DIM, "table")).train(model,
                    new TrainingConfig(steps, 64), validation, List.of(listener));
            assertThat(seen).containsExactlyElementsOf(r.validation());
            return new Run(r, model.weights());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void evaluatingDoesNotChangeTheTrainingSteps(String backend) {
        float[] rows = table(200, 1);
        RowSplit split = RowSplit.of(200, 0.25, Rng.seeded(2));
        float[] train = RowSplit.select(rows, DIM, split.train());
        float[] held = RowSplit.select(rows, DIM, split.heldOut());
        Run plain = run(backend, train, null, 40, 32);
        Run evaluated = run(backend, train, Validation.of(held, train, DIM, 7), 40, 32);
        assertThat(evaluated.result().losses()).containsExactly(plain.result().losses());
        assertThat(evaluated.finalWeights()).isEqualTo(plain.finalWeights());
        assertThat(plain.result().validation()).isEmpty();
        assertThat(evaluated.result().validation()).extracting(ValidationEnd::step)
                .containsExactly(7, 14, 21, 28, 35, 40);
    }

    @Test
    void aModelThatMemorisesFewRowsScoresWorseOnHeldOutRowsAndTheBestWeightsAreKept() {
        float[] rows = table(48, 3);
        RowSplit split = RowSplit.of(48, 0.5, Rng.seeded(4));
        float[] train = RowSplit.select(rows, DIM, split.train());
        float[] held = RowSplit.select(rows, DIM, split.heldOut());
        Run r = run("djl", train, Validation.of(held, train, DIM, 100).keepingBest(), 3000, 128);
        ValidationEnd last = r.result().lastValidation().orElseThrow();
        ValidationEnd first = r.result().validation().get(0);
        // 24 training rows, a wide network, many steps: the flow drifts towards the training rows,
        // so the gap between held-out and training loss (0.2 after 100 steps here) widens
        double firstGap = first.heldOutLoss() - first.trainLoss();
        double lastGap = last.heldOutLoss() - last.trainLoss();
        assertThat(lastGap).isGreaterThan(0.4).isGreaterThan(2 * firstGap);
        ValidationEnd best = r.result().bestValidation().orElseThrow();
        assertThat(best.best()).isTrue();
        assertThat(best.step()).isLessThan(last.step());
        assertThat(r.result().validation()).allSatisfy(v -> assertThat(v.heldOutLoss())
                .isGreaterThanOrEqualTo(best.heldOutLoss()));
        assertThat(r.result().bestWeights()).isNotNull().isNotEqualTo(r.finalWeights());
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> Validation.of(new float[3], new float[3], DIM, 0))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> Validation.of(new float[4], new float[3], DIM, 5))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("got 4 values");
        assertThatThrownBy(() -> RowSplit.of(10, 1.0, Rng.seeded(1)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> RowSplit.of(3, 0.5, Rng.seeded(1)))
                .isInstanceOf(DataException.class).hasMessageContaining("leaves 1 to train on");
    }

    @Test
    void aSplitIsAPartitionThatTheSeedReproduces() {
        RowSplit a = RowSplit.of(101, 0.2, Rng.seeded(9));
        RowSplit b = RowSplit.of(101, 0.2, Rng.seeded(9));
        RowSplit c = RowSplit.of(101, 0.2, Rng.seeded(10));
        assertThat(a.heldOut()).hasSize(20).containsExactly(b.heldOut());
        assertThat(c.heldOut()).isNotEqualTo(a.heldOut());
        java.util.Set<Integer> all = new java.util.TreeSet<>();
        for (int i : a.train()) {
            all.add(i);
        }
        for (int i : a.heldOut()) {
            assertThat(all.add(i)).isTrue();
        }
        assertThat(all).hasSize(101).first().isEqualTo(0);
    }
}

package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.Backend;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.ShapeMismatchException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.testkit.Bitwise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exponential moving average of the weights: the model's average after three steps is the
 * closed form {@code d^3 w0 + d^2 (1-d) w1 + d (1-d) w2 + (1-d) w3} on both backends; the trainer
 * keeps it without changing the training steps, scores it in held-out evaluations and keeps it with
 * the best weights; bad decays are refused in one line.
 */
class EmaTest {

    private static final ModelSpec SPEC = new ModelSpec(2, List.of(16, 16), Activation.SILU, new TimeEmbedding.Raw());
    private static final int BATCH = 32;

    private static FmRuntime runtime(String backend) {
        return FlowMatching.bootstrap(FmConfig.defaults().withSeed(3).withBackend(ComponentChoice.of(backend)));
    }

    /** One step on a fixed random batch. */
    private static void step(Backend b, TrainableModel model, Rng rng) {
        try (TensorScope scope = b.openScope()) {
            model.trainStep(b.fromArray(rng.uniforms(BATCH), BATCH, 1), b.fromArray(rng.normals(BATCH * 2), BATCH, 2),
                    b.fromArray(rng.normals(BATCH * 2), BATCH, 2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void afterThreeStepsTheAverageIsTheHandComputedOne(String backend) {
        double d = 0.8;
        try (FmRuntime fm = runtime(backend); TrainableModel model = fm.newTrainableModel(SPEC,
                OptimizerSpec.adam(2e-2))) {
            assertThat(model.emaWeights()).as("no average before enableEma").isEmpty();
            List<ModelWeights> w = new ArrayList<>();
            w.add(model.weights());
            model.enableEma(d);
            Bitwise.assertSameBits("the average starts at the current weights", w.get(0),
                    model.emaWeights().orElseThrow());
            Rng rng = Rng.seeded(17);
            for (int k = 1; k <= 3; k++) {
                step(fm.backend(), model, rng);
                w.add(model.weights());
            }
            // closed form of ema_k = ema_{k-1} + (1 - d)(w_k - ema_{k-1}), ema_0 = w_0
            double[] coefficient = {d * d * d, d * d * (1 - d), d * (1 - d), 1 - d};
            ModelWeights ema = model.emaWeights().orElseThrow();
            assertThat(ema.names()).isEqualTo(w.get(0).names());
            for (int i = 0; i < ema.parameters().size(); i++) {
                float[] got = ema.parameters().get(i).values();
                for (int k = 0; k < got.length; k++) {
                    double want = 0;
                    for (int s = 0; s <= 3; s++) {
                        want += coefficient[s] * w.get(s).parameters().get(i).values()[k];
                    }
                    assertThat((double) got[k]).as("%s[%d] on %s", ema.names().get(i), k, backend)
                            .isCloseTo(want, org.assertj.core.data.Offset.offset(2e-6));
                }
            }
            // the average is neither the first nor the last weights: the check above can tell them apart
            assertThat(ema.maxAbsDifference(w.get(3))).isGreaterThan(1e-3);
            assertThat(ema.maxAbsDifference(w.get(0))).isGreaterThan(1e-3);

            model.restoreEma(w.get(1));
            Bitwise.assertSameBits("a restored average", w.get(1), model.emaWeights().orElseThrow());
            ModelWeights other = new ModelSpec(2, List.of(16, 17), Activation.SILU, new TimeEmbedding.Raw())
                    .initialWeights(Rng.seeded(1));
            assertThatThrownBy(() -> model.restoreEma(other)).isInstanceOf(ShapeMismatchException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, -0.1, Double.NaN, 1.5})
    void aDecayOutsideZeroToOneIsRefusedSayingWhatItMeans(double decay) {
        assertThatThrownBy(() -> new TrainingConfig(10, 8).withEma(decay))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("EMA decay must be in [0, 1), e.g. 0.999 (the average then remembers about 1,000 steps),"
                        + " got " + decay);
        try (FmRuntime fm = runtime("djl"); TrainableModel model = fm.newTrainableModel(SPEC, OptimizerSpec.adam(1e-3))) {
            assertThatThrownBy(() -> model.enableEma(decay)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got " + decay);
            assertThat(model.emaWeights()).isEmpty();
            assertThatThrownBy(() -> model.restoreEma(model.weights())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("call enableEma(decay) first");
        }
        assertThat(new TrainingConfig(10, 8).withEma(0).emaDecay()).hasValue(0);
    }

    private record Run(TrainingResult result, ModelWeights weights, ModelWeights ema) {
    }

    private static Run train(FmRuntime fm, TrainingConfig config, Validation validation) {
        try (TrainableModel model = fm.newTrainableModel(SPEC, OptimizerSpec.adam(3e-3))) {
            TrainingResult r = fm.trainer(GaussianMixture.fourGaussians()).train(model, config, validation, List.of());
            return new Run(r, model.weights(), model.emaWeights().orElse(null));
        }
    }

    private static Validation validation(FmRuntime fm) {
        float[] held = GaussianMixture.fourGaussians().sample(120, Rng.seeded(71));
        float[] train = GaussianMixture.fourGaussians().sample(120, Rng.seeded(72));
        return Validation.of(held, train, 2, 15).keepingBest().withLikelihood(fm.solver(), 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void theTrainerKeepsTheAverageWithoutChangingTheSteps(String backend) {
        try (FmRuntime fm = runtime(backend)) {
            Run plain = train(fm, new TrainingConfig(40, BATCH), null);
            Run averaged = train(fm, new TrainingConfig(40, BATCH).withEma(0.9), null);
            assertThat(plain.result().emaWeights()).isNull();
            assertThat(plain.ema()).isNull();
            Bitwise.assertSameBits("trained weights", plain.weights(), averaged.weights());
            Bitwise.assertSameBits("losses", plain.result().losses(), averaged.result().losses());
            Bitwise.assertSameBits("the result's average", averaged.ema(), averaged.result().emaWeights());
            assertThat(averaged.ema().maxAbsDifference(averaged.weights())).isGreaterThan(1e-3);
        }
    }

    @Test
    void heldOutEvaluationScoresTheAverageAndKeepBestKeepsItWithTheWeightsOfItsStep() {
        try (FmRuntime fm = runtime("djl")) {
            Run plain = train(fm, new TrainingConfig(60, BATCH), validation(fm));
            Run same = train(fm, new TrainingConfig(60, BATCH).withEma(0), validation(fm));
            Run averaged = train(fm, new TrainingConfig(60, BATCH).withEma(0.9), validation(fm));
            List<ValidationEnd> p = plain.result().validation();
            List<ValidationEnd> s = same.result().validation();
            List<ValidationEnd> a = averaged.result().validation();
            assertThat(a).extracting(ValidationEnd::step).containsExactly(15, 30, 45, 60);
            for (int i = 0; i < p.size(); i++) {
                // decay 0: the average is the weights (up to float rounding), so are the scores
                assertThat(s.get(i).heldOutLoss()).isCloseTo(p.get(i).heldOutLoss(),
                        org.assertj.core.data.Percentage.withPercentage(1e-3));
                assertThat(s.get(i).heldOutNll()).isCloseTo(p.get(i).heldOutNll(),
                        org.assertj.core.data.Percentage.withPercentage(1e-3));
                // decay 0.9: the scores are the average's, not the trained weights'
                assertThat(Math.abs(a.get(i).heldOutLoss() - p.get(i).heldOutLoss()))
                        .isGreaterThan(1e-4 * p.get(i).heldOutLoss());
            }
            assertThat(plain.result().bestEmaWeights()).isNull();
            // the kept pair is the state of the best step: training that many steps gives both again
            int bestStep = averaged.result().bestValidation().orElseThrow().step();
            Run upToBest = train(fm, new TrainingConfig(bestStep, BATCH).withEma(0.9), null);
            Bitwise.assertSameBits("kept trained weights", upToBest.weights(), averaged.result().bestWeights());
            Bitwise.assertSameBits("kept average", upToBest.ema(), averaged.result().bestEmaWeights());
            Bitwise.assertSameBits("final average", averaged.ema(), averaged.result().emaWeights());
        }
    }
}

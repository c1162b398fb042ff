package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.train.StepEnd;
import org.fmjvm.api.train.TrainingListener;
import org.fmjvm.api.train.TrainingStart;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.testkit.Bitwise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run snapshotted every 40 steps and resumed from its step-80 snapshot (through the JSON text
 * and a copy of the arrays) ends bitwise as the uninterrupted run, on both backends, for several
 * recipes; and a snapshot that does not fit the run is rejected before anything changes.
 */
class ResumeTest {

    private static final int STEPS = 120;
    private static final int BATCH = 64;
    private static final int EVERY = 40;
    private static final int RESUME_AT = 80;
    private static final long SEED = 11;
    private static final ModelSpec SPEC = new ModelSpec(2, List.of(32, 32), Activation.SILU,
            new TimeEmbedding.Raw());
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One training recipe: components, optimizer, schedule, optionally a held-out evaluation and a
     * moving average of the weights (decay {@code ema}, or NaN for none).
     */
    private record Recipe(String name, Function<FmConfig, FmConfig> components, OptimizerSpec optimizer,
            LearningRateSchedule schedule, boolean validated, double ema) {
        Recipe(String name, Function<FmConfig, FmConfig> components, OptimizerSpec optimizer,
                LearningRateSchedule schedule, boolean validated) {
            this(name, components, optimizer, schedule, validated, Double.NaN);
        }

        TrainingConfig config() {
            TrainingConfig c = new TrainingConfig(STEPS, BATCH, schedule);
            return Double.isNaN(ema) ? c : c.withEma(ema);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> recipes() {
        List<Recipe> recipes = List.of(
                new Recipe("plain", c -> c, OptimizerSpec.adam(3e-3), new LearningRateSchedule.Constant(), false),
                new Recipe("cosine schedule, clipping, AdamW", c -> c,
                        OptimizerSpec.adam(3e-3).withMaxGradNorm(1.0).withWeightDecay(1e-3, true),
                        new LearningRateSchedule.Cosine(0.05), false),
                new Recipe("validation, keep-best, likelihood", c -> c, OptimizerSpec.adam(3e-3),
                        new LearningRateSchedule.Constant(), true),
                new Recipe("minibatch-ot", c -> c.withCoupling(ComponentChoice.of("minibatch-ot")),
                        OptimizerSpec.adam(3e-3), new LearningRateSchedule.Constant(), false),
                new Recipe("schrodinger bridge, logit-normal times", c -> c
                        .withCoupling(ComponentChoice.of("schrodinger-bridge"))
                        .withPath(ComponentChoice.of("brownian-bridge"))
                        .withTimeSampler(ComponentChoice.of("logit-normal")),
                        OptimizerSpec.adam(3e-3), new LearningRateSchedule.Constant(), false),
                new Recipe("ema", c -> c, OptimizerSpec.adam(3e-3), new LearningRateSchedule.Cosine(0.05), false, 0.95),
                new Recipe("ema, validation, keep-best, likelihood", c -> c, OptimizerSpec.adam(3e-3),
                        new LearningRateSchedule.Constant(), true, 0.9));
        List<Arguments> out = new ArrayList<>();
        for (String backend : List.of("djl", "tf")) {
            for (Recipe r : recipes) {
                out.add(Arguments.of(backend, r));
            }
        }
        return out.stream();
    }

    private static FmRuntime runtime(String backend, Recipe recipe) {
        return FlowMatching.bootstrap(recipe.components().apply(FmConfig.defaults().withSeed(SEED)
                .withBackend(ComponentChoice.of(backend))));
    }

    private static Dataset data() {
        return GaussianMixture.fourGaussians();
    }

    private static Validation validation(FmRuntime fm) {
        float[] held = data().sample(150, Rng.seeded(71));
        float[] train = data().sample(150, Rng.seeded(72));
        return Validation.of(held, train, 2, 30).keepingBest().withLikelihood(fm.solver(), 6);
    }

    /** What a run leaves behind, plus the events its listener saw. */
    private record Run(TrainingResult result, ModelWeights weights, ModelWeights ema, List<TrainingStart> starts,
            List<Integer> steps, List<ValidationEnd> evaluations) {
    }

    private static Run train(FmRuntime fm, TrainableModel model, Recipe recipe, Checkpointing checkpointing) {
        List<TrainingStart> starts = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        List<ValidationEnd> evaluations = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStart(TrainingStart event) {
                starts.add(event);
            }

            @Override
            public void onStep(StepEnd event) {
                steps.add(event.step());
            }

            @Override
            public void onValidation(ValidationEnd event) {
                evaluations.add(event);
            }
        };
        TrainingResult r = fm.trainer(data()).train(model, recipe.config(),
                recipe.validated() ? validation(fm) : null, List.of(listener), checkpointing);
        return new Run(r, model.weights(), model.emaWeights().orElse(null), starts, steps, evaluations);
    }

    /** The state through JSON text and the arrays through fresh copies, as a checkpoint would carry them. */
    private static TrainingState throughSerializedForm(TrainingState state) throws JsonProcessingException {
        String text = JSON.writeValueAsString(state.toJson());
        ModelWeights copied = new ModelWeights(state.tensors().parameters().stream()
                .map(p -> new ModelWeights.Parameter(p.name(), p.shape(), p.values())).toList());
        return TrainingState.fromJson(JSON.readTree(text), copied, "snapshot.json");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("recipes")
    void aResumedRunEndsBitwiseAsTheUninterruptedOne(String backend, Recipe recipe) throws Exception {
        try (FmRuntime fm = runtime(backend, recipe)) {
            Run plain;
            try (TrainableModel model = fm.newTrainableModel(SPEC, recipe.optimizer())) {
                plain = train(fm, model, recipe, Checkpointing.none());
            }

            List<Integer> savedAt = new ArrayList<>();
            ModelWeights[] weightsAt = new ModelWeights[1];
            TrainingState[] stateAt = new TrainingState[1];
            Run snapshotted;
            try (TrainableModel model = fm.newTrainableModel(SPEC, recipe.optimizer())) {
                snapshotted = train(fm, model, recipe, Checkpointing.every(EVERY, (weights, state) -> {
                    savedAt.add(state.step());
                    if (state.step() == RESUME_AT) {
                        weightsAt[0] = weights;
                        stateAt[0] = state;
                    }
                }));
            }
            // snapshots are taken short of the last step and do not disturb the run
            assertThat(savedAt).containsExactly(40, 80);
            Bitwise.assertSameBits("weights with snapshots", plain.weights(), snapshotted.weights());
            Bitwise.assertSameBits("losses with snapshots", plain.result().losses(), snapshotted.result().losses());

            TrainingState restored = throughSerializedForm(stateAt[0]);
            assertThat(restored).isEqualTo(stateAt[0]);
            Bitwise.assertSameBits("losses so far", java.util.Arrays.copyOf(plain.result().losses(), RESUME_AT),
                    restored.losses());

            Run resumed;
            try (TrainableModel model = fm.backend().newTrainableModel(SPEC, recipe.optimizer(), weightsAt[0])) {
                resumed = train(fm, model, recipe, Checkpointing.none().resumingFrom(restored));
                assertThat(model.stepsTaken()).isEqualTo(STEPS);
            }

            Bitwise.assertSameBits("final weights", plain.weights(), resumed.weights());
            Bitwise.assertSameBits("losses", plain.result().losses(), resumed.result().losses());
            assertThat(Double.doubleToRawLongBits(resumed.result().finalLoss()))
                    .isEqualTo(Double.doubleToRawLongBits(plain.result().finalLoss()));
            assertThat(resumed.result().wallNanos()).isGreaterThanOrEqualTo(restored.wallNanos());
            assertThat(resumed.starts()).singleElement().satisfies(s -> {
                assertThat(s.resumedFrom()).isEqualTo(RESUME_AT);
                assertThat(s.totalSteps()).isEqualTo(STEPS);
            });
            assertThat(resumed.steps()).hasSize(STEPS - RESUME_AT).startsWith(RESUME_AT + 1).endsWith(STEPS);
            assertThat(resumed.result().validation()).isEqualTo(plain.result().validation());
            if (recipe.validated()) {
                assertThat(plain.result().validation()).extracting(ValidationEnd::step).containsExactly(30, 60, 90, 120);
                assertThat(plain.result().validation()).allSatisfy(v -> assertThat(v.heldOutNll()).isNotNull());
                assertThat(resumed.evaluations()).extracting(ValidationEnd::step).containsExactly(90, 120);
                assertThat(plain.result().bestWeights()).isNotNull();
                Bitwise.assertSameBits("kept best weights", plain.result().bestWeights(),
                        resumed.result().bestWeights());
            } else {
                assertThat(resumed.result().bestWeights()).isNull();
            }
            if (!Double.isNaN(recipe.ema())) {
                assertThat(restored.ema()).isNotNull();
                assertThat(restored.ema().decay()).isEqualTo(recipe.ema());
                Bitwise.assertSameBits("final moving average", plain.ema(), resumed.ema());
                Bitwise.assertSameBits("the result's moving average", plain.result().emaWeights(),
                        resumed.result().emaWeights());
                assertThat(plain.ema().maxAbsDifference(plain.weights())).as("the average is not the weights")
                        .isGreaterThan(1e-4);
                if (recipe.validated()) {
                    Bitwise.assertSameBits("kept best moving average", plain.result().bestEmaWeights(),
                            resumed.result().bestEmaWeights());
                }
            } else {
                assertThat(restored.ema()).isNull();
                assertThat(resumed.ema()).isNull();
            }
        }
    }

    @Test
    void aSnapshotThatDoesNotFitTheRunIsRejectedBeforeTheModelChanges() {
        Recipe recipe = new Recipe("plain", c -> c, OptimizerSpec.adam(3e-3), new LearningRateSchedule.Constant(),
                false);
        TrainingState[] state = new TrainingState[1];
        ModelWeights[] weights = new ModelWeights[1];
        try (FmRuntime fm = runtime("djl", recipe)) {
            try (TrainableModel model = fm.newTrainableModel(SPEC, recipe.optimizer())) {
                fm.trainer(data()).train(model, new TrainingConfig(20, BATCH), null, List.of(),
                        Checkpointing.every(10, (w, s) -> {
                            state[0] = s;
                            weights[0] = w;
                        }));
            }
            Checkpointing resume = Checkpointing.none().resumingFrom(state[0]);
            try (TrainableModel model = fm.backend().newTrainableModel(SPEC, recipe.optimizer(), weights[0])) {
                Trainer trainer = fm.trainer(data());
                assertThatThrownBy(() -> trainer.train(model, new TrainingConfig(30, BATCH), null, List.of(), resume))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("run of 20 steps but this run has 30");
                assertThatThrownBy(() -> trainer.train(model, new TrainingConfig(20, 32), null, List.of(), resume))
                        .isInstanceOf(ConfigurationException.class).hasMessageContaining("batch 64");
                float[] rows = data().sample(40, Rng.seeded(3));
                assertThatThrownBy(() -> trainer.train(model, new TrainingConfig(20, BATCH),
                        Validation.of(rows, rows, 2, 5), List.of(), resume))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("after steps [] but this run evaluates every 5 steps, which gives [5, 10]");
                try (FmRuntime other = FlowMatching.bootstrap(FmConfig.defaults().withSeed(SEED + 1)
                        .withBackend(ComponentChoice.of("djl")))) {
                    assertThatThrownBy(() -> other.trainer(data()).train(model, new TrainingConfig(20, BATCH), null,
                            List.of(), resume))
                            .isInstanceOf(ConfigurationException.class)
                            .hasMessageContaining("does not derive from seed " + (SEED + 1));
                }
                assertThatThrownBy(() -> trainer.train(model, new TrainingConfig(20, BATCH).withEma(0.99), null,
                        List.of(), resume))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("it keeps no moving average of the weights but this run keeps one with"
                                + " decay 0.99; resume without an EMA decay");
                assertThat(model.stepsTaken()).isZero();
                assertThat(model.emaWeights()).isEmpty();
            }
            TrainingState[] averaged = new TrainingState[1];
            try (TrainableModel model = fm.newTrainableModel(SPEC, recipe.optimizer())) {
                fm.trainer(data()).train(model, new TrainingConfig(20, BATCH).withEma(0.9), null, List.of(),
                        Checkpointing.every(10, (w, s) -> averaged[0] = s));
            }
            Checkpointing resumeAveraged = Checkpointing.none().resumingFrom(averaged[0]);
            try (TrainableModel model = fm.backend().newTrainableModel(SPEC, recipe.optimizer(), weights[0])) {
                Trainer trainer = fm.trainer(data());
                assertThatThrownBy(() -> trainer.train(model, new TrainingConfig(20, BATCH), null, List.of(),
                        resumeAveraged))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("keeps a moving average of the weights with decay 0.9 but this run keeps"
                                + " none; resume with EMA decay 0.9");
                assertThatThrownBy(() -> trainer.train(model, new TrainingConfig(20, BATCH).withEma(0.99), null,
                        List.of(), resumeAveraged))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("but this run has decay 0.99; resume with EMA decay 0.9");
                assertThat(model.stepsTaken()).isZero();
            }
            ModelSpec wider = new ModelSpec(2, List.of(32, 33), Activation.SILU, new TimeEmbedding.Raw());
            try (TrainableModel model = fm.newTrainableModel(wider, recipe.optimizer())) {
                assertThatThrownBy(() -> fm.trainer(data()).train(model, new TrainingConfig(20, BATCH), null,
                        List.of(), resume))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("does not fit the model")
                        .hasMessageContaining("net.2.weight[32, 32]")
                        .hasMessageContaining("net.2.weight[33, 32]");
            }
        }
    }
}

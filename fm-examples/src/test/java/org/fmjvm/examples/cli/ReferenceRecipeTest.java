package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.train.LearningRateSchedule;
import org.fmjvm.core.train.TrainingConfig;
import org.junit.jupiter.api.Test;

/** The demo shows the PyTorch reference's numbers only for a run of the reference's recipe. */
class ReferenceRecipeTest {

    private static final Dataset DATA = Datasets.resolve("four-gaussians");
    private static final Dataset NOISE = Datasets.source("standard-normal", 2);
    private static final TrainingConfig COSINE = new TrainingConfig(5000, 256, new LearningRateSchedule.Cosine(0));

    @Test
    void theRecipeWithEitherScheduleMatchesItsReferenceRun() {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(9))) {
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, ModelSpec.mlp(2), OptimizerSpec.adam(1e-3), COSINE,
                    100, 10_000)).contains(ReferenceRecipe.COSINE);
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, ModelSpec.mlp(2), OptimizerSpec.adam(1e-3),
                    new TrainingConfig(5000, 256, new LearningRateSchedule.Constant()), 100, 10_000))
                    .contains(ReferenceRecipe.CONSTANT);
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, ModelSpec.mlp(2), OptimizerSpec.adam(1e-3),
                    new TrainingConfig(5000, 256, new LearningRateSchedule.Cosine(0.1)), 100, 10_000)).isEmpty();
        }
    }

    @Test
    void anyOtherChoiceHasNoReference() {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults())) {
            ModelSpec mlp = ModelSpec.mlp(2);
            OptimizerSpec adam = OptimizerSpec.adam(1e-3);
            assertThat(ReferenceRecipe.matching(fm, Datasets.resolve("moons"), NOISE, mlp, adam, COSINE, 100, 10_000))
                    .as("data").isEmpty();
            assertThat(ReferenceRecipe.matching(fm, DATA, Datasets.source("moons", 2), mlp, adam, COSINE, 100, 10_000))
                    .as("source").isEmpty();
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, new ModelSpec(2, List.of(256, 256), Activation.SILU,
                    new TimeEmbedding.Raw()), adam, COSINE, 100, 10_000)).as("network").isEmpty();
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, mlp, OptimizerSpec.adam(2e-3), COSINE, 100, 10_000))
                    .as("learning rate").isEmpty();
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, mlp, adam.withMaxGradNorm(1), COSINE, 100, 10_000))
                    .as("clipping").isEmpty();
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, mlp, adam, new TrainingConfig(4000, 256,
                    new LearningRateSchedule.Cosine(0)), 100, 10_000)).as("steps").isEmpty();
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, mlp, adam, new TrainingConfig(5000, 512,
                    new LearningRateSchedule.Cosine(0)), 100, 10_000)).as("batch").isEmpty();
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, mlp, adam, COSINE, 50, 10_000)).as("ode steps").isEmpty();
            assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, mlp, adam, COSINE, 100, 5_000)).as("samples").isEmpty();
        }
        for (FmConfig other : List.of(FmConfig.defaults().withPath(ComponentChoice.of("cosine")),
                FmConfig.defaults().withPath(ComponentChoice.parse("poly", List.of("n=1"), "--path-param")),
                FmConfig.defaults().withSolver(ComponentChoice.of("rk4")),
                FmConfig.defaults().withTimeSampler(ComponentChoice.of("logit-normal")))) {
            try (FmRuntime fm = FlowMatching.bootstrap(other)) {
                assertThat(ReferenceRecipe.matching(fm, DATA, NOISE, ModelSpec.mlp(2), OptimizerSpec.adam(1e-3),
                        COSINE, 100, 10_000)).as(other.toString()).isEmpty();
            }
        }
    }
}

package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.fmjvm.api.error.TrainingDivergedException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.GaussianMixture;
import org.junit.jupiter.api.Test;

/** One seed reproduces a run; different seeds differ; a diverging run stops with a clear error. */
class TrainerReproducibilityTest {

    private static double[] run(long seed, ModelWeights[] weightsOut) {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(seed));
                TrainableModel model = fm.newTrainableModel(new ModelSpec(2, List.of(32, 32),
                        org.fmjvm.api.model.Activation.SILU, new org.fmjvm.api.model.TimeEmbedding.Raw()),
                        OptimizerSpec.adam(1e-3))) {
            TrainingResult r = fm.trainer(GaussianMixture.fourGaussians()).train(model, new TrainingConfig(60, 64),
                    List.of());
            weightsOut[0] = model.weights();
            return r.losses();
        }
    }

    @Test
    void theSameSeedReproducesTheRunExactly() {
        ModelWeights[] a = new ModelWeights[1];
        ModelWeights[] b = new ModelWeights[1];
        ModelWeights[] c = new ModelWeights[1];
        double[] la = run(3, a);
        double[] lb = run(3, b);
        double[] lc = run(4, c);
        assertThat(lb).containsExactly(la);
        assertThat(b[0]).isEqualTo(a[0]);
        assertThat(lc).isNotEqualTo(la);
        assertThat(c[0]).isNotEqualTo(a[0]);
    }

    @Test
    void aNonFiniteLossStopsTheRunNamingTheStep() {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults());
                TrainableModel model = fm.newTrainableModel(ModelSpec.mlp(2), OptimizerSpec.adam(1e6))) {
            assertThatThrownBy(() -> fm.trainer(GaussianMixture.fourGaussians()).train(model,
                    new TrainingConfig(2000, 256), List.of()))
                    .isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("Training diverged: loss is")
                    .hasMessageContaining("lower the learning rate");
        }
    }
}

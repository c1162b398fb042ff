package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.fmjvm.api.Tensor;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.path.AffinePath;
import org.fmjvm.api.path.PathSample;
import org.fmjvm.api.path.ProbabilityPath;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.metrics.EnergyDistance;
import org.fmjvm.paths.CondOtScheduler;
import org.junit.jupiter.api.Test;

/** Flows from another distribution than N(0, I), and paths that refuse them. */
class SourceDistributionTest {

    /** A cond-ot path that declares it needs a standard Gaussian source, like the Gaussian OT path. */
    private static final ProbabilityPath GAUSSIAN_ONLY = new ProbabilityPath() {
        private final AffinePath inner = new AffinePath(new CondOtScheduler());

        @Override
        public PathSample sample(Tensor x0, Tensor x1, Tensor t, Rng rng) {
            return inner.sample(x0, x1, t, rng);
        }

        @Override
        public String describe() {
            return "gaussian-only test path";
        }

        @Override
        public boolean requiresStandardGaussianSource() {
            return true;
        }
    };

    @Test
    void aPathThatNeedsAGaussianSourceRefusesAnother() {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults())) {
            Dataset data = GaussianMixture.fourGaussians();
            assertThatThrownBy(() -> new Trainer(fm.backend(), GAUSSIAN_ONLY, fm.coupling(), fm.timeSampler(), data,
                    Datasets.byName("moons"), 0))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("assumes x0 ~ N(0, I), but the source is moons");
            // the standard normal source is accepted
            new Trainer(fm.backend(), GAUSSIAN_ONLY, fm.coupling(), fm.timeSampler(), data,
                    Datasets.source("standard-normal", 2), 0);
        }
    }

    @Test
    void sourceAndDataMustShareTheDimension() {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults())) {
            assertThatThrownBy(() -> fm.trainer(GaussianMixture.fourGaussians(), Datasets.source("standard-normal", 3)))
                    .isInstanceOf(DataException.class).hasMessageContaining("dimension 3")
                    .hasMessageContaining("dimension 2");
        }
    }

    @Test
    void aFlowFromMoonsToFourGaussiansCarriesMoonPointsOntoTheModes() {
        Dataset moons = Datasets.byName("moons");
        GaussianMixture target = GaussianMixture.fourGaussians();
        ModelSpec spec = new ModelSpec(2, List.of(128, 128, 128), Activation.SILU, new TimeEmbedding.Raw());
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(5));
                TrainableModel model = fm.newTrainableModel(spec, OptimizerSpec.adam(2e-3))) {
            fm.trainer(target, moons).train(model, new TrainingConfig(1500, 256, new LearningRateSchedule.Cosine(0)),
                    List.of());
            float[] start = moons.sample(3000, Rng.seeded(8));
            float[] end = fm.sampler(model, moons).generate(start, 3000, SolveOptions.steps(50));
            EnergyDistance ed = new EnergyDistance(target.sample(3000, Rng.seeded(9)), 2);
            double before = ed.distance(start);
            double after = ed.distance(end);
            double floor = ed.distance(target.sample(3000, Rng.seeded(10)));
            assertThat(before).isGreaterThan(1.0);
            assertThat(after).isLessThan(before / 50).isLessThan(20 * floor + 0.01);
            double[] modes = target.modeFractions(end, 3000);
            for (double f : modes) {
                assertThat(f).isBetween(0.18, 0.32);
            }
        }
    }
}

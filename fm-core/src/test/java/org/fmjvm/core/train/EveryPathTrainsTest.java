package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.metrics.QualityReport;
import org.fmjvm.core.plugin.Plugins;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered probability path, with its default parameters, trains the tutorial network onto
 * the four Gaussians in a short seeded run: the energy distance to the target ends within a small
 * multiple of the noise floor and every mode gets its share. A path that cannot is not shipped.
 */
class EveryPathTrainsTest {

    static Stream<String> paths() {
        List<String> names = Plugins.discover().names(ComponentKind.PATH);
        assertThat(names).contains("cond-ot");
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void reachesTheFourModes(String path) {
        GaussianMixture target = GaussianMixture.fourGaussians();
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(2).withPath(ComponentChoice.of(path)));
                TrainableModel model = fm.newTrainableModel(ModelSpec.mlp(2), OptimizerSpec.adam(1e-3))) {
            fm.trainer(target).train(model, new TrainingConfig(1200, 256, new LearningRateSchedule.Cosine(0)), List.of());
            float[] generated = fm.sampler(model).generate(3000, SolveOptions.steps(100), fm.rng().split("sample"));
            QualityReport report = QualityReport.builder(target, generated).floorRepeats(3).entropySamples(10_000)
                    .build(fm.rng().split("metrics"));
            double floor = report.energyDistanceFloor().mean();
            assertThat(report.energyDistance()).as("%s: energy distance (floor %s)", path, floor)
                    .isLessThan(15 * floor + 0.01);
            assertThat(report.modes().maxAbsError()).as("%s: largest mode-weight error", path).isLessThan(0.06);
        }
    }
}

package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.fmjvm.api.error.DataException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.train.StepEnd;
import org.fmjvm.api.train.TrainingEnd;
import org.fmjvm.api.train.TrainingListener;
import org.fmjvm.api.train.TrainingStart;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.metrics.QualityReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A short seeded run of the tutorial recipe must put the generated samples on the four modes, on
 * every backend. The bounds are derived from the noise floor (what a perfect sampler scores) and
 * from what failure looks like: the untrained flow (the source itself) and a flow that misses one
 * mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FourGaussiansTraining {

    private static final int STEPS = 1500;
    private static final int SAMPLES = 4000;
    private FmRuntime fm;
    private QualityReport report;
    private QualityReport missingMode;
    private QualityReport untrained;
    private final List<Object> events = new ArrayList<>();

    /** @return the backend to train on */
    abstract String backend();

    @BeforeAll
    void trainOnce() {
        fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(1).withBackend(ComponentChoice.of(backend())));
        GaussianMixture target = GaussianMixture.fourGaussians();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onStart(TrainingStart e) {
                events.add(e);
            }

            @Override
            public void onStep(StepEnd e) {
                events.add(e);
            }

            @Override
            public void onEnd(TrainingEnd e) {
                events.add(e);
            }
        };
        try (TrainableModel model = fm.newTrainableModel(ModelSpec.mlp(2), OptimizerSpec.adam(1e-3))) {
            fm.trainer(target).train(model, new TrainingConfig(STEPS, 256), List.of(recorder));
            float[] generated = fm.sampler(model).generate(SAMPLES, SolveOptions.steps(50), fm.rng().split("sample"));
            report = QualityReport.builder(target, generated).floorRepeats(3).entropySamples(20_000)
                    .build(fm.rng().split("metrics"));
        }
        // what failure looks like, on the same reference draws: samples of three modes only, and the source itself
        GaussianMixture threeModes = new GaussianMixture("three", target.means().subList(0, 3), target.std(),
                new double[] {1, 1, 1});
        missingMode = QualityReport.builder(target, threeModes.sample(SAMPLES, fm.rng().split("bad")))
                .floorRepeats(3).entropySamples(20_000).build(fm.rng().split("metrics"));
        untrained = QualityReport.builder(target, fm.rng().split("noise").normals(SAMPLES * 2))
                .floorRepeats(3).entropySamples(20_000).build(fm.rng().split("metrics"));
    }

    @AfterAll
    void close() {
        fm.close();
    }

    @Test
    void generatedSamplesLandOnTheFourModes() {
        double floor = report.energyDistanceFloor().mean();
        // a sampler that misses one of four modes scores about 100x the floor; demand 15x at most
        assertThat(missingMode.energyDistance()).isGreaterThan(50 * floor);
        assertThat(report.energyDistance()).isLessThan(15 * floor + 0.005);
        assertThat(report.energyDistance()).isLessThan(untrained.energyDistance() / 20);
        assertThat(report.modes().maxAbsError()).isLessThan(0.05);
    }

    @Test
    void samplesAreAsConcentratedAsTheTarget() {
        // mean -log q of the samples within 0.3 nats of the target's entropy (the source is far worse)
        double gap = -report.logDensity().generatedMean() - report.logDensity().entropy();
        assertThat(gap).isLessThan(0.3);
        assertThat(-untrained.logDensity().generatedMean() - untrained.logDensity().entropy()).isGreaterThan(3);
    }

    @Test
    void listenersSeeEveryStepInOrderAndTheLossFalls() {
        assertThat(events.get(0)).isInstanceOf(TrainingStart.class);
        assertThat(events.get(events.size() - 1)).isInstanceOf(TrainingEnd.class);
        List<StepEnd> steps = events.stream().filter(StepEnd.class::isInstance).map(StepEnd.class::cast).toList();
        assertThat(steps).hasSize(STEPS);
        for (int i = 0; i < STEPS; i++) {
            assertThat(steps.get(i).step()).isEqualTo(i + 1);
        }
        double first = steps.subList(0, 50).stream().mapToDouble(StepEnd::loss).average().orElseThrow();
        double last = steps.subList(STEPS - 200, STEPS).stream().mapToDouble(StepEnd::loss).average().orElseThrow();
        assertThat(last).isLessThan(first * 0.7);
    }

    @Test
    void aDimensionMismatchIsRejectedBeforeTraining() {
        try (TrainableModel model = fm.newTrainableModel(ModelSpec.mlp(3), OptimizerSpec.adam(1e-3))) {
            assertThatThrownBy(() -> fm.trainer(GaussianMixture.fourGaussians()).train(model, new TrainingConfig(1, 8),
                    List.of())).isInstanceOf(DataException.class)
                    .hasMessageContaining("four-gaussians has dimension 2 but the model has dimension 3");
        }
    }
}

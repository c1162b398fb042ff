package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.GaussianMixture;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.metrics.EnergyDistance;
import org.fmjvm.core.metrics.Straightness;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On the four Gaussians, seeded: pairing by optimal transport and rectifying a trained flow make the
 * learned paths straighter, so few Euler steps land closer to the target.
 */
class CouplingsStraightenTest {

    private static final ModelSpec SPEC = new ModelSpec(2, List.of(64, 64), Activation.SILU, new TimeEmbedding.Raw());
    private static final int STEPS = 1500;

    @TempDir
    Path dir;

    private record Outcome(double straightness, double energyAt2, TrainableModel model) {
    }

    private static Outcome train(String backend, ComponentChoice coupling, Path saveTo) {
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(3)
                .withBackend(ComponentChoice.of(backend)).withCoupling(coupling));
                TrainableModel model = fm.newTrainableModel(SPEC, OptimizerSpec.adam(2e-3))) {
            fm.trainer(GaussianMixture.fourGaussians()).train(model, new TrainingConfig(STEPS, 256,
                    new LearningRateSchedule.Cosine(0)), List.of());
            if (saveTo != null) {
                Checkpoints.save(saveTo, CheckpointInfo.of(SPEC, fm.component(org.fmjvm.api.spi.ComponentKind.PATH),
                        fm.component(org.fmjvm.api.spi.ComponentKind.COUPLING), "four-gaussians",
                        GaussianSource.NAME, 3, STEPS, 256, model.optimizer(), backend,
                        new CheckpointInfo.TrainingSummary(1, 0), Instant.now()), model.weights());
            }
            float[] noise = new GaussianSource(2).sample(2000, Rng.seeded(9));
            double straight = Straightness.of(model, noise, 2000, 50).straightness();
            float[] twoSteps = fm.sampler(model).generate(noise, 2000, SolveOptions.steps(2));
            float[] target = GaussianMixture.fourGaussians().sample(4000, Rng.seeded(10));
            return new Outcome(straight, new EnergyDistance(target, 2).distance(twoSteps), null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void minibatchOtAndReflowTrainStraighterFlowsThanIndependentPairs(String backend) {
        Path teacher = dir.resolve("teacher-" + backend);
        Outcome independent = train(backend, ComponentChoice.of("independent"), teacher);
        Outcome ot = train(backend, ComponentChoice.of("minibatch-ot"), null);
        Outcome reflow = train(backend, ComponentChoice.parse("reflow", List.of("teacher=" + teacher, "steps=20",
                "method=rk4", "pairs=8192"), "test"), null);
        // independent pairs cross, so the field averages over directions and its paths bend
        assertThat(ot.straightness()).isLessThan(0.5 * independent.straightness());
        assertThat(ot.energyAt2()).isLessThan(0.5 * independent.energyAt2());
        // a 2-rectified flow is straighter than its teacher
        assertThat(reflow.straightness()).isLessThan(0.5 * independent.straightness());
        assertThat(reflow.energyAt2()).isLessThan(0.5 * independent.energyAt2());
    }
}

package org.fmjvm.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.normalize.Normalizer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A table whose columns span seven orders of magnitude, trained end to end through a CSV file: with
 * standard scaling every column's spread comes back, and the held-out likelihood lands on the
 * table's known entropy in the data's own units (so the normalisation's log-determinant has the
 * right sign and size); without scaling the small columns are lost, as users saw.
 */
class TableTrainingTest {

    /** Column scales: from 1e-3 to 1e4. */
    private static final double[] SCALES = {1e-3, 1.0, 1e4, 0.05, 30, 200};
    private static final double[] MEANS = {5, -1, -2e4, 0.3, 100, 0};
    private static final int DIM = SCALES.length;
    private static final int ROWS = 3000;

    @TempDir
    static Path dir;

    /** x = mean + scale * (A u) with u ~ N(0, I) and A unit lower-triangular: correlated columns, det A = 1. */
    private static Path table() throws IOException {
        Path file = dir.resolve("table.csv");
        if (Files.exists(file)) {
            return file;
        }
        float[] u = Rng.seeded(11).normals(ROWS * DIM);
        StringBuilder sb = new StringBuilder("a,b,c,d,e,f\n");
        for (int r = 0; r < ROWS; r++) {
            double prev = 0;
            for (int j = 0; j < DIM; j++) {
                double v = u[r * DIM + j] + 0.7 * prev;
                prev = u[r * DIM + j];
                sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.9g", MEANS[j] + SCALES[j] * v));
            }
            sb.append('\n');
        }
        Files.writeString(file, sb);
        return file;
    }

    /** The table's differential entropy in nats: 0.5 D log(2 pi e) + sum log scale (det A = 1). */
    private static double entropy() {
        double h = 0.5 * DIM * Math.log(2 * Math.PI * Math.E);
        for (double s : SCALES) {
            h += Math.log(s);
        }
        return h;
    }

    private static double std(float[] rows, int n, int col) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += rows[i * DIM + col];
        }
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = rows[i * DIM + col] - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / (n - 1));
    }

    @ParameterizedTest
    @CsvSource({"djl, standard", "tf, standard", "djl, none"})
    void everyColumnsSpreadComesBackAndTheHeldOutLikelihoodIsTheEntropy(String backend, String normalize)
            throws IOException {
        CsvDataset csv = CsvDataset.load(table());
        Normalizer.Kind kind = Normalizer.Kind.parse(normalize);
        TrainingData data = TrainingData.prepare(csv, new GaussianSource(DIM), kind, Set.of(), 0.2, 7);
        assertThat(data.heldOutCount()).isEqualTo(600);
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withSeed(7)
                .withBackend(ComponentChoice.of(backend)).withSolver(ComponentChoice.of("rk4")));
                TrainableModel model = fm.newTrainableModel(new ModelSpec(DIM, List.of(128, 128), Activation.SILU,
                        new TimeEmbedding.Raw()), OptimizerSpec.adam(2e-3))) {
            TrainingResult result = fm.trainer(data).train(model, new TrainingConfig(1500, 256,
                    new LearningRateSchedule.Cosine(0)), data.validation(500).withLikelihood(fm.solver(), 10), List.of());
            float[] generated = fm.sampler(model, new GaussianSource(DIM), data.normalizer())
                    .generate(ROWS, SolveOptions.steps(20), Rng.seeded(3));
            float[] train = data.trainingRows();
            int trainRows = train.length / DIM;
            double worst = 0;
            for (int j = 0; j < DIM; j++) {
                double ratio = std(generated, ROWS, j) / std(train, trainRows, j);
                worst = Math.max(worst, Math.abs(ratio - 1));
            }
            if (kind == Normalizer.Kind.NONE) {
                // raw units: the flow cannot resolve a column of spread 1e-3 next to one of 1e4
                assertThat(worst).isGreaterThan(0.5);
                return;
            }
            assertThat(worst).isLessThan(0.15);
            ValidationEnd last = result.lastValidation().orElseThrow();
            assertThat(last.heldOutNll()).isNotNull();
            assertThat(last.heldOutNll()).isCloseTo(entropy(), org.assertj.core.api.Assertions.within(0.25));
            assertThat(last.trainNll()).isCloseTo(entropy(), org.assertj.core.api.Assertions.within(0.25));
        }
    }
}

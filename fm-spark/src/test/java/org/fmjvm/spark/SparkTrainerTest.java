package org.fmjvm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.TrainableModel;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.metrics.EnergyDistance;
import org.fmjvm.core.train.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkTrainerTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;

    /** A small run whose interval does not divide the steps, so the last segment is shorter. */
    private static final SparkTrainer.Recipe SMALL = SparkTrainer.Recipe.of(Datasets.FOUR_GAUSSIANS, List.of(16, 16),
            24, 64, 3);

    @BeforeAll
    static void setUp() {
        spark = SparkFixture.spark();
    }

    @Test
    void everyTaskEndsWithTheSameAveragedWeightsAndTheCheckpointLoads() {
        SparkTrainer.Result r = SparkTrainer.train(spark, SMALL, 2, 7);

        assertThat(r.taskDigests()).hasSize(2);
        assertThat(r.taskDigests().get(1)).isEqualTo(r.taskDigests().get(0));
        assertThat(Double.isFinite(r.finalLoss())).isTrue();
        Path out = dir.resolve("two-workers");
        r.save(out);
        Checkpoints.Loaded loaded = Checkpoints.load(out);
        assertThat(loaded.weights()).isEqualTo(r.weights());
        assertThat(SparkTrainer.digest(SparkTrainer.flattenWeights(loaded.weights()))).isEqualTo(r.taskDigests().get(0));
        assertThat(loaded.info().steps()).isEqualTo(24);
        assertThat(loaded.info().batch()).isEqualTo(64);
        assertThat(loaded.info().data()).isEqualTo(Datasets.FOUR_GAUSSIANS);
        assertThat(loaded.source().dim()).isEqualTo(2); // fm sample draws its noise from here
        // and training moved the weights away from the shared initial draw
        try (FmRuntime fm = FlowMatching.bootstrap(SMALL.config());
                TrainableModel init = fm.newTrainableModel(SMALL.model(2), SMALL.optimizer())) {
            assertThat(init.weights()).isNotEqualTo(r.weights());
        }
    }

    @Test
    void theSameSeedAndWorkersGiveBitwiseTheSameWeightsAndAnotherSeedOthers() {
        SparkTrainer.Result a = SparkTrainer.train(spark, SMALL, 2, 7);
        SparkTrainer.Result b = SparkTrainer.train(spark, SMALL, 2, 7);
        SparkTrainer.Result c = SparkTrainer.train(spark, SparkTrainer.Recipe.of(Datasets.FOUR_GAUSSIANS,
                List.of(16, 16), 24, 64, 4), 2, 7);

        assertThat(b.weights()).isEqualTo(a.weights());
        assertThat(c.weights()).isNotEqualTo(a.weights());
    }

    @Test
    void oneWorkerInSegmentsIsBitwiseTheUninterruptedRun() {
        // the segments, the rebuilt model and the restored Adam state change nothing: with one task
        // the average is the task's own state, so the run must equal a plain one with the task's seed
        SparkTrainer.TaskResult segmented = SparkTrainer.runTask(SMALL, 1, 7, 0, m -> new String[] {m});
        ModelWeights plain;
        try (FmRuntime fm = FlowMatching.bootstrap(SMALL.config())) {
            Dataset data = Datasets.byName(SMALL.dataset());
            try (TrainableModel model = fm.newTrainableModel(SMALL.model(data.dim()), SMALL.optimizer())) {
                new Trainer(fm.backend(), fm.path(), fm.coupling(), fm.timeSampler(), data,
                        SparkTrainer.taskSeed(SMALL.seed(), 0)).train(model, SMALL.perTask(1), List.of());
                plain = model.weights();
            }
        }
        assertThat(segmented.weights()).containsExactly(SparkTrainer.flattenWeights(plain));
    }

    /**
     * Steps between averagings in the quality test: Spark's barrier polls for the others once a
     * second, so every averaging costs up to a second of wall time.
     */
    private static final int SYNC_EVERY = Integer.getInteger("fm.spark.test.syncEvery", 100);

    @Test
    void twoWorkersWithHalfTheBatchEachMatchOneMachineWithTheWholeBatch() {
        int steps = 1500;
        int batch = 256;
        SparkTrainer.Recipe recipe = SparkTrainer.Recipe.of(Datasets.FOUR_GAUSSIANS, List.of(64, 64), steps, batch, 21);
        long t0 = System.nanoTime();
        SparkTrainer.Result two = SparkTrainer.train(spark, recipe, 2, SYNC_EVERY);
        double twoSeconds = (System.nanoTime() - t0) / 1e9;

        Dataset data = Datasets.byName(recipe.dataset());
        int n = 4000;
        float[] target = data.sample(n, Rng.seeded(90).split("target"));
        float[] otherTarget = data.sample(n, Rng.seeded(91).split("target"));
        double floor = EnergyDistance.between(target, otherTarget, 2);
        double dTwo;
        double dOne;
        double oneSeconds;
        try (FmRuntime fm = FlowMatching.bootstrap(recipe.config())) {
            ModelSpec spec = recipe.model(data.dim());
            try (VelocityModel m = fm.loadModel(spec, two.weights())) {
                dTwo = EnergyDistance.between(fm.sampler(m).generate(n, SolveOptions.steps(50),
                        Rng.seeded(92).split("sample")), target, 2);
            }
            long t1 = System.nanoTime();
            try (TrainableModel one = fm.newTrainableModel(spec, recipe.optimizer())) {
                fm.trainer(data).train(one, recipe.perTask(1), List.of());
                oneSeconds = (System.nanoTime() - t1) / 1e9;
                dOne = EnergyDistance.between(fm.sampler(one).generate(n, SolveOptions.steps(50),
                        Rng.seeded(92).split("sample")), target, 2);
            }
        }
        System.out.printf("energy distance to four-gaussians (4000 samples, Euler 50): 2 workers, sync every %d: %.5f (%.1f s incl."
                + " Spark), one machine %.5f (%.1f s), noise floor %.5f%n", SYNC_EVERY, dTwo, twoSeconds, dOne, oneSeconds, floor);
        assertThat(dTwo).as("2 workers %s vs one machine %s, floor %s", dTwo, dOne, floor)
                .isLessThanOrEqualTo(2 * dOne + floor);
    }

    @Test
    void theCommandWritesACheckpointAndABatchThatTheWorkersDoNotShareIsRejected() {
        Path out = dir.resolve("cli");
        StringWriter sout = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = FmSpark.commandLine();
        cl.setOut(new PrintWriter(sout));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("train", "--dataset", "four-gaussians", "--workers", "2", "--sync-every", "5",
                "--steps", "20", "--batch", "32", "--hidden", "8,8", "--seed", "1", "--out", out.toString(),
                "--master", SparkFixture.MASTER);
        assertThat(code).as(err.toString()).isZero();
        assertThat(sout.toString()).contains("2 workers");
        assertThat(Checkpoints.load(out).info().model().hidden()).containsExactly(8, 8);

        assertThatThrownBy(() -> SparkTrainer.train(spark, SparkTrainer.Recipe.of(Datasets.FOUR_GAUSSIANS,
                List.of(8), 10, 33, 1), 2, 5)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--batch 33 must be a multiple of --workers 2");
    }
}

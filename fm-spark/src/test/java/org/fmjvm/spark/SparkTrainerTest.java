package org.fmjvm.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
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
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.PointsCsv;
import org.fmjvm.core.metrics.EnergyDistance;
import org.fmjvm.core.normalize.Normalizer;
import org.fmjvm.core.train.Trainer;
import org.fmjvm.core.train.TrainingData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkTrainerTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;

    /** A small run whose interval does not divide the steps, so the last segment is shorter. */
    private static final SparkTrainer.Recipe SMALL = SparkTrainer.Recipe.of(List.of(16, 16), 24, 64, 3);

    @BeforeAll
    static void setUp() {
        spark = SparkFixture.spark();
    }

    @Test
    void everyTaskEndsWithTheSameAveragedWeightsAndTheCheckpointLoads() {
        SparkTrainer.Result r = SparkTrainer.train(spark, SMALL, Datasets.FOUR_GAUSSIANS, 2, 7);

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
        SparkTrainer.Result a = SparkTrainer.train(spark, SMALL, Datasets.FOUR_GAUSSIANS, 2, 7);
        SparkTrainer.Result b = SparkTrainer.train(spark, SMALL, Datasets.FOUR_GAUSSIANS, 2, 7);
        SparkTrainer.Result c = SparkTrainer.train(spark, SparkTrainer.Recipe.of(List.of(16, 16), 24, 64, 4),
                Datasets.FOUR_GAUSSIANS, 2, 7);

        assertThat(b.weights()).isEqualTo(a.weights());
        assertThat(c.weights()).isNotEqualTo(a.weights());
    }

    @Test
    void oneWorkerInSegmentsIsBitwiseTheUninterruptedRun() {
        // the segments, the rebuilt model and the restored Adam state change nothing: with one task
        // the average is the task's own state, so the run must equal a plain one with the task's seed
        Dataset data = Datasets.byName(Datasets.FOUR_GAUSSIANS);
        SparkTrainer.TaskResult segmented = SparkTrainer.runTask(SMALL, data, 1, 7, 0, m -> new String[] {m});
        ModelWeights plain;
        try (FmRuntime fm = FlowMatching.bootstrap(SMALL.config())) {
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
        SparkTrainer.Recipe recipe = SparkTrainer.Recipe.of(List.of(64, 64), steps, batch, 21);
        long t0 = System.nanoTime();
        SparkTrainer.Result two = SparkTrainer.train(spark, recipe, Datasets.FOUR_GAUSSIANS, 2, SYNC_EVERY);
        double twoSeconds = (System.nanoTime() - t0) / 1e9;

        Dataset data = Datasets.byName(Datasets.FOUR_GAUSSIANS);
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

    /**
     * four-gaussians moved to (10 + 3x, -4 + y / 2), so that a checkpoint without the normalisation, or
     * samples left in the model's coordinates, would land far from the data.
     */
    private static float[] movedFourGaussians(int n, Rng rng) {
        float[] p = Datasets.byName(Datasets.FOUR_GAUSSIANS).sample(n, rng);
        for (int i = 0; i < p.length; i += 2) {
            p[i] = 10 + 3 * p[i];
            p[i + 1] = -4 + 0.5f * p[i + 1];
        }
        return p;
    }

    /** The seed of the CSV quality test (a system property, to measure over several). */
    private static final int CSV_SEED = Integer.getInteger("fm.spark.test.csvSeed", 21);

    @Test
    void twoWorkersOnACsvFileMatchFmTrainOnTheSameFileAndTheCheckpointSamplesInDataUnits() {
        Path csv = dir.resolve("four-gaussians.csv");
        PointsCsv.write(csv, movedFourGaussians(20_000, Rng.seeded(30).split("file")), 2, List.of("u", "v"));
        int steps = 1500;
        SparkTrainer.Recipe recipe = SparkTrainer.Recipe.of(List.of(64, 64), steps, 256, CSV_SEED);
        Path out = dir.resolve("csv-two-workers");
        double twoSeconds;
        try (TrainingTable table = TrainingTable.read(spark, csv, Normalizer.Kind.STANDARD)) {
            long t0 = System.nanoTime();
            SparkTrainer.Result two = SparkTrainer.train(spark, recipe, table, 2, SYNC_EVERY);
            twoSeconds = (System.nanoTime() - t0) / 1e9;
            two.save(out);
            assertThat(two.taskDigests().get(1)).isEqualTo(two.taskDigests().get(0));
            assertThat(two.taskRows()).containsExactly(10_000, 10_000);
        }

        // fm train --dataset four-gaussians.csv (standard scaling, no held-out rows), on one machine
        TrainingData prepared = TrainingData.prepare(CsvDataset.load(csv), new GaussianSource(2),
                Normalizer.Kind.STANDARD, Set.of(), 0, recipe.seed());
        Checkpoints.Loaded loaded = Checkpoints.load(out);
        assertThat(loaded.info().normalization()).isEqualTo(prepared.normalizer());
        assertThat(loaded.info().columns()).containsExactly("u", "v");
        assertThat(loaded.info().data()).isEqualTo(csv.toString());
        assertThat(loaded.info().dataDim()).isEqualTo(2);

        int n = 4000;
        float[] target = movedFourGaussians(n, Rng.seeded(90).split("target"));
        double floor = EnergyDistance.between(target, movedFourGaussians(n, Rng.seeded(91).split("target")), 2);
        double dTwo;
        double dOne;
        double dRaw;
        double dHalf;
        double oneSeconds;
        try (FmRuntime fm = FlowMatching.bootstrap(recipe.config())) {
            // as fm sample does: the checkpoint's source, model and normalisation
            try (VelocityModel m = fm.loadModel(loaded.info().model(), loaded.weights())) {
                float[] samples = fm.sampler(m, loaded.source(), loaded.info().normalization()).generate(n,
                        SolveOptions.steps(50), Rng.seeded(92).split("sample"));
                dTwo = EnergyDistance.between(samples, target, 2);
                dRaw = EnergyDistance.between(fm.sampler(m).generate(n, SolveOptions.steps(50),
                        Rng.seeded(92).split("sample")), target, 2);
            }
            long t1 = System.nanoTime();
            try (TrainableModel one = fm.newTrainableModel(recipe.model(prepared.modelDim()), recipe.optimizer())) {
                fm.trainer(prepared).train(one, recipe.perTask(1), List.of());
                oneSeconds = (System.nanoTime() - t1) / 1e9;
                dOne = EnergyDistance.between(fm.sampler(one, new GaussianSource(2), prepared.normalizer()).generate(n,
                        SolveOptions.steps(50), Rng.seeded(92).split("sample")), target, 2);
            }
            // for scale: one machine with one worker's share of the batch
            try (TrainableModel half = fm.newTrainableModel(recipe.model(prepared.modelDim()), recipe.optimizer())) {
                fm.trainer(prepared).train(half, recipe.perTask(2), List.of());
                dHalf = EnergyDistance.between(fm.sampler(half, new GaussianSource(2), prepared.normalizer()).generate(
                        n, SolveOptions.steps(50), Rng.seeded(92).split("sample")), target, 2);
            }
        }
        System.out.printf("energy distance to the CSV's distribution (4000 samples, Euler 50), seed %d: 2 workers on"
                + " 10,000 rows each, sync every %d: %.5f (%.1f s incl. Spark), fm train on all 20,000 rows %.5f (%.1f s),"
                + " batch 128 %.5f, noise floor %.5f; without undoing the scaling %.3f%n", CSV_SEED, SYNC_EVERY, dTwo,
                twoSeconds, dOne, oneSeconds, dHalf, floor, dRaw);
        // measured over seeds 21-24: 2 workers gave 1.95-2.53 times fm train's distance (as for the built-in
        // data sets, averaging every 100 steps does not buy the lower gradient noise of the doubled batch)
        assertThat(dTwo).as("2 workers %s vs one machine %s, floor %s", dTwo, dOne, floor)
                .isLessThanOrEqualTo(3 * dOne + floor);
        // and the test can fail: the same model's samples in the model's coordinates are far off
        assertThat(dRaw).isGreaterThan(20 * (dTwo + floor));
    }

    @Test
    void oneWorkerOnATableIsBitwiseTheTrainerOnFmTrainsPreparedRows() {
        // one worker gets every row, in file order, normalised as fm train normalises them: the run
        // must equal a plain trainer on fm train's prepared data with the task's seed
        Path csv = dir.resolve("one-worker.csv");
        PointsCsv.write(csv, movedFourGaussians(300, Rng.seeded(32).split("file")), 2);
        SparkTrainer.Result spark1;
        try (TrainingTable table = TrainingTable.read(spark, csv, Normalizer.Kind.MINMAX)) {
            spark1 = SparkTrainer.train(spark, SMALL, table, 1, 7);
        }
        TrainingData prepared = TrainingData.prepare(CsvDataset.load(csv), new GaussianSource(2),
                Normalizer.Kind.MINMAX, Set.of(), 0, SMALL.seed());
        try (FmRuntime fm = FlowMatching.bootstrap(SMALL.config());
                TrainableModel model = fm.newTrainableModel(SMALL.model(2), SMALL.optimizer())) {
            new Trainer(fm.backend(), fm.path(), fm.coupling(), fm.timeSampler(), prepared.data(),
                    SparkTrainer.taskSeed(SMALL.seed(), 0)).train(model, SMALL.perTask(1), List.of());
            assertThat(SparkTrainer.flattenWeights(spark1.weights()))
                    .containsExactly(SparkTrainer.flattenWeights(model.weights()));
        }
        assertThat(spark1.info().normalization()).isEqualTo(prepared.normalizer());
        assertThat(spark1.taskRows()).containsExactly(300);
    }

    @Test
    void aTaskThatFailsMidTrainingIsRetriedAndTheWeightsAreBitwiseThoseOfAnUndisturbedRun() {
        Path csv = dir.resolve("retry.csv");
        PointsCsv.write(csv, movedFourGaussians(501, Rng.seeded(31).split("file")), 2);
        AtomicInteger failedTasks = new AtomicInteger();
        AtomicInteger retriedStages = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful() && end.reason().toString().contains("injected failure")) {
                    failedTasks.incrementAndGet();
                }
            }

            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
                if (submitted.stageInfo().attemptNumber() > 0) {
                    retriedStages.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(counter);
        try (TrainingTable table = TrainingTable.read(spark, csv, Normalizer.Kind.STANDARD)) {
            SparkTrainer.Result clean = SparkTrainer.train(spark, SMALL, table, 2, 7);
            // task 1 throws at its second averaging (after step 14 of 24) in the stage's first attempt
            SparkTrainer.Result retried = SparkTrainer.train(spark, SMALL, table, 2, 7, new SparkTrainer.Fault(1, 2));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((failedTasks.get() == 0 || retriedStages.get() == 0) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(failedTasks.get()).as("the injected failure happened").isEqualTo(1);
            assertThat(retriedStages.get()).as("Spark ran the barrier stage again").isEqualTo(1);
            assertThat(SparkTrainer.flattenWeights(retried.weights()))
                    .containsExactly(SparkTrainer.flattenWeights(clean.weights()));
            assertThat(retried.taskDigests()).isEqualTo(clean.taskDigests());
            assertThat(retried.taskRows()).isEqualTo(clean.taskRows())
                    .isEqualTo(Arrays.stream(table.rowsPerWorker(2, SMALL.seed())).boxed().toList());
            assertThat(clean.taskRows().get(0) + clean.taskRows().get(1)).isEqualTo(501);
            // and the weights depend on the rows: another seed deals them (and draws) differently
            assertThat(SparkTrainer.train(spark, SparkTrainer.Recipe.of(List.of(16, 16), 24, 64, 4), table, 2, 7)
                    .weights()).isNotEqualTo(clean.weights());
        } finally {
            spark.sparkContext().removeSparkListener(counter);
        }
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

        assertThatThrownBy(() -> SparkTrainer.train(spark, SparkTrainer.Recipe.of(List.of(8), 10, 33, 1),
                Datasets.FOUR_GAUSSIANS, 2, 5)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--batch 33 must be a multiple of --workers 2");
    }
}

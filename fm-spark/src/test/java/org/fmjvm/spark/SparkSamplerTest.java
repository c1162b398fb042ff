package org.fmjvm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.metrics.EnergyDistance;
import org.fmjvm.core.sample.Sampler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkSamplerTest {

    @TempDir
    static Path dir;

    private static Path checkpoint;
    private static CheckpointImage image;
    private static SparkSession spark;

    private static final FlowOptions EULER_20 = FlowOptions.sampling().withBackend("djl").withSolver("euler", 20);

    @BeforeAll
    static void setUp() {
        checkpoint = SparkFixture.checkpoint(dir);
        image = CheckpointImage.of(checkpoint);
        spark = SparkFixture.spark();
    }

    private static float[] points(List<Row> rows) {
        float[] x = new float[rows.size() * 2];
        for (int r = 0; r < rows.size(); r++) {
            x[2 * r] = rows.get(r).getFloat(0);
            x[2 * r + 1] = rows.get(r).getFloat(1);
        }
        return x;
    }

    /** What one machine generates from the same noise stream, as {@code fm sample} would. */
    private static float[] singleMachine(long n, Rng rng, FlowOptions options) {
        Checkpoints.Loaded loaded = Checkpoints.load(checkpoint);
        try (FmRuntime fm = FlowMatching.bootstrap(options.config());
                VelocityModel model = fm.loadModel(loaded.info().model(), loaded.weights())) {
            Sampler sampler = fm.sampler(model, loaded.source(), loaded.info().normalization());
            return sampler.generate((int) n, options.solve(), rng);
        }
    }

    @Test
    void theCountIsExactTheColumnsAreTheCheckpointsAndASeedReproducesTheRows() {
        long n = 1001;
        List<Row> first = SparkSampler.sample(spark, image, n, 3, 5, EULER_20).collectAsList();
        List<Row> again = SparkSampler.sample(spark, image, n, 3, 5, EULER_20).collectAsList();
        List<Row> other = SparkSampler.sample(spark, image, n, 3, 6, EULER_20).collectAsList();

        assertThat(first).hasSize(1001);
        assertThat(SparkSampler.sample(spark, image, n, 3, 5, EULER_20).columns()).containsExactly("u", "v");
        assertThat(points(again)).containsExactly(points(first));
        assertThat(points(other)).isNotEqualTo(points(first));
        // partition p holds n / P rows (one more for p < n % P), drawn from the partition's own stream
        float[] all = points(first);
        int offset = 0;
        for (int p = 0; p < 3; p++) {
            long rows = SparkSampler.rowsOf(n, 3, p);
            assertThat(rows).isEqualTo(p < 2 ? 334 : 333);
            float[] local = singleMachine(rows, SparkSampler.partitionRng(5, p), EULER_20);
            float[] part = java.util.Arrays.copyOfRange(all, offset, offset + local.length);
            assertThat(part).containsExactly(local);
            offset += local.length;
        }
    }

    @Test
    void moreRowsThanPartitionsNeedNotDivideAndEmptyPartitionsAreFine() {
        assertThat(SparkSampler.sample(spark, image, 3, 5, 1, EULER_20).count()).isEqualTo(3);
    }

    @Test
    void theDistributionMatchesSingleMachineSamplingWithinTheNoiseFloor() {
        int n = 2000;
        float[] spark2 = points(SparkSampler.sample(spark, image, n, 4, 11, EULER_20).collectAsList());
        float[] local = singleMachine(n, Rng.seeded(12).split("sample"), EULER_20);
        double floor = 0;
        int repeats = 3;
        for (int k = 0; k < repeats; k++) {
            float[] a = singleMachine(n, Rng.seeded(100 + k).split("sample"), EULER_20);
            float[] b = singleMachine(n, Rng.seeded(200 + k).split("sample"), EULER_20);
            floor += EnergyDistance.between(a, b, 2) / repeats;
        }
        double d = EnergyDistance.between(spark2, local, 2);
        assertThat(d).as("energy distance %s against a noise floor of %s", d, floor).isLessThan(3 * floor);
        // and the test can fail: the same points moved by a quarter of a unit are well above the floor
        float[] shifted = spark2.clone();
        for (int i = 0; i < shifted.length; i += 2) {
            shifted[i] += 0.25f;
        }
        assertThat(EnergyDistance.between(shifted, local, 2)).isGreaterThan(5 * floor);
        System.out.printf("energy distance spark vs single machine %.6f, noise floor %.6f%n", d, floor);
    }

    @Test
    void aTaskThatFailsMidPartitionIsRetriedWithoutLosingOrRepeatingRows() {
        AtomicInteger failed = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                    failed.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(counter);
        try {
            String clean = dir.resolve("clean").toString();
            String retried = dir.resolve("retried").toString();
            SparkSampler.sample(spark, image, 900, 3, 21, EULER_20).write().parquet(clean);
            SparkSampler.sample(spark, image, 900, 3, 21, EULER_20, new SparkSampler.Fault(1, 150))
                    .write().parquet(retried);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (failed.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(failed.get()).as("the injected failure happened").isEqualTo(1);
            List<Row> a = sorted(spark.read().parquet(clean).collectAsList());
            List<Row> b = sorted(spark.read().parquet(retried).collectAsList());
            assertThat(b).hasSize(900);
            assertThat(points(b)).containsExactly(points(a));
        } finally {
            spark.sparkContext().removeSparkListener(counter);
        }
    }

    private static List<Row> sorted(List<Row> rows) {
        return rows.stream().sorted(Comparator.<Row>comparingDouble(r -> r.getFloat(0))
                .thenComparingDouble(r -> r.getFloat(1))).toList();
    }

    @Test
    void anExecutorLoadsACheckpointOnceAndReusesItsModelsAcrossTasksAndJobs() {
        FlowOptions options = EULER_20.withSolver("euler", 3);
        CheckpointImage again = CheckpointImage.of(checkpoint); // the same files: the same image
        assertThat(SparkSampler.sample(spark, image, 400, 8, 0, options).count()).isEqualTo(400);
        int loaded = ExecutorModels.loadedCheckpoints();
        for (int job = 1; job < 3; job++) {
            assertThat(SparkSampler.sample(spark, again, 400, 8, job, options).count()).isEqualTo(400);
        }
        assertThat(again.id()).isEqualTo(image.id());
        // 24 tasks ran, at most two at a time (local[2]): at most two models were ever built
        assertThat(ExecutorModels.idleSessions(image, options)).isBetween(1, 2);
        assertThat(ExecutorModels.loadedCheckpoints()).isEqualTo(loaded);
    }

    @Test
    void theTensorFlowBackendSamplesTheSamePointsOnTheExecutors() {
        float[] djl = points(SparkSampler.sample(spark, image, 300, 2, 3, EULER_20).collectAsList());
        float[] tf = points(SparkSampler.sample(spark, image, 300, 2, 3, EULER_20.withBackend("tf")).collectAsList());
        for (int i = 0; i < djl.length; i++) {
            assertThat((double) tf[i]).isCloseTo(djl[i], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(djl[i]))));
        }
    }
}

package org.fmjvm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.PointsCsv;
import org.fmjvm.core.normalize.Normalizer;
import org.fmjvm.core.train.TrainingData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import scala.Tuple2;

class TrainingTableTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Path csv;
    private static float[] points;

    /** 3,001 rows of moons, moved and stretched so that every scaling has something to do. */
    @BeforeAll
    static void setUp() {
        spark = SparkFixture.spark();
        int n = 3001;
        points = Datasets.byName(Datasets.MOONS).sample(n, Rng.seeded(5).split("table"));
        for (int i = 0; i < points.length; i += 2) {
            points[i] = 40 + 7 * points[i];
            points[i + 1] = -3 + 0.2f * points[i + 1];
        }
        csv = dir.resolve("moons.csv");
        PointsCsv.write(csv, points, 2, List.of("u", "v"));
    }

    @Test
    void everyScalingIsExactlyTheOneFmTrainFitsOnTheSameFile() {
        for (Normalizer.Kind kind : Normalizer.Kind.values()) {
            Normalizer local = TrainingData.prepare(CsvDataset.load(csv), new GaussianSource(2), kind, Set.of(), 0, 9)
                    .normalizer();
            try (TrainingTable table = TrainingTable.read(spark, csv, kind)) {
                assertThat(table.normalizer()).as(kind.id()).isEqualTo(local);
                assertThat(table.normalizer().toJson()).isEqualTo(local.toJson());
                assertThat(table.columns()).containsExactly("u", "v");
                assertThat(table.rows()).isEqualTo(3001);
            }
        }
        // and the comparison can fail: one row fewer gives other statistics
        Path shorter = dir.resolve("shorter.csv");
        PointsCsv.write(shorter, Arrays.copyOf(points, points.length - 2), 2);
        try (TrainingTable table = TrainingTable.read(spark, shorter, Normalizer.Kind.STANDARD)) {
            assertThat(table.normalizer()).isNotEqualTo(TrainingTable.read(spark, csv, Normalizer.Kind.STANDARD)
                    .normalizer());
            assertThat(table.columns()).isEmpty();
        }
    }

    @Test
    void aParquetTableOfTheSameRowsGetsTheSameScaling() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < points.length; i += 2) {
            rows.add(RowFactory.create((double) points[i], points[i + 1]));
        }
        StructType schema = new StructType().add("u", DataTypes.DoubleType).add("v", DataTypes.FloatType);
        Path parquet = dir.resolve("moons-parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet.toString());

        try (TrainingTable fromParquet = TrainingTable.read(spark, parquet, Normalizer.Kind.QUANTILE);
                TrainingTable fromCsv = TrainingTable.read(spark, csv, Normalizer.Kind.QUANTILE)) {
            assertThat(fromParquet.normalizer()).isEqualTo(fromCsv.normalizer());
            assertThat(fromParquet.columns()).containsExactly("u", "v");
            assertThat(fromParquet.rows()).isEqualTo(3001);
            assertThat(rowsByNumber(fromParquet, 3)).isEqualTo(rowsByNumber(fromCsv, 3));
        }
    }

    @Test
    void everyRowGoesToExactlyOneWorkerAndTheWorkersGetEqualShares() {
        try (TrainingTable table = TrainingTable.read(spark, csv, Normalizer.Kind.STANDARD)) {
            for (int workers : new int[] {1, 2, 3, 7}) {
                List<Tuple2<Integer, Tuple2<Long, float[]>>> seen = table.byWorker(workers, 11)
                        .mapPartitionsWithIndex((p, it) -> {
                            List<Tuple2<Integer, Tuple2<Long, float[]>>> out = new ArrayList<>();
                            it.forEachRemaining(r -> out.add(new Tuple2<>(p, r)));
                            return out.iterator();
                        }, true).collect();
                assertThat(seen).hasSize(3001);
                int[] counts = new int[workers];
                boolean[] got = new boolean[3001];
                long salt = TrainingTable.salt(11);
                for (Tuple2<Integer, Tuple2<Long, float[]>> s : seen) {
                    int row = (int) (long) s._2()._1();
                    assertThat(got[row]).as("row %d twice", row).isFalse();
                    got[row] = true;
                    assertThat(s._1()).isEqualTo(TrainingTable.worker(row, workers, salt));
                    assertThat(s._2()._2()).containsExactly(points[2 * row], points[2 * row + 1]);
                    counts[s._1()]++;
                }
                assertThat(counts).containsExactly(table.rowsPerWorker(workers, 11));
                assertThat(Arrays.stream(counts).max().orElseThrow() - Arrays.stream(counts).min().orElseThrow())
                        .isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void aTableInterleavedByClassStillReachesEveryWorkerMixed() {
        // rows alternate between two classes: dealing row r to worker r % 2 would give each worker one class
        long salt = TrainingTable.salt(0);
        int[][] classByWorker = new int[2][2];
        for (int r = 0; r < 10_000; r++) {
            classByWorker[TrainingTable.worker(r, 2, salt)][r % 2]++;
        }
        for (int w = 0; w < 2; w++) {
            assertThat(classByWorker[w][0] + classByWorker[w][1]).isEqualTo(5000);
            assertThat(classByWorker[w][0]).as("worker %d, class 0", w).isBetween(2300, 2700);
        }
        // and the assignment depends on the seed
        int differ = 0;
        for (int r = 0; r < 100; r++) {
            differ += TrainingTable.worker(r, 2, salt) != TrainingTable.worker(r, 2, TrainingTable.salt(1)) ? 1 : 0;
        }
        assertThat(differ).isBetween(20, 80);
    }

    private static float[] rowsByNumber(TrainingTable table, int workers) {
        List<Tuple2<Long, float[]>> rows = new ArrayList<>(table.byWorker(workers, 0).collect());
        rows.sort((a, b) -> Long.compare(a._1(), b._1()));
        float[] out = new float[rows.size() * 2];
        for (int i = 0; i < rows.size(); i++) {
            out[2 * i] = rows.get(i)._2()[0];
            out[2 * i + 1] = rows.get(i)._2()[1];
        }
        return out;
    }
}

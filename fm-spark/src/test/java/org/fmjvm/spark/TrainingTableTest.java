package org.fmjvm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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

    @Test
    void theCommandTrainsOnACsvFileAndFmSparkSampleAnswersInTheDataUnits() {
        Path out = dir.resolve("cli-run");
        StringWriter sout = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = FmSpark.commandLine();
        cl.setOut(new PrintWriter(sout));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("train", "--dataset", csv.toString(), "--normalize", "quantile", "--workers", "2",
                "--sync-every", "10", "--steps", "30", "--batch", "32", "--hidden", "8", "--out", out.toString(),
                "--master", SparkFixture.MASTER);
        assertThat(code).as(err.toString()).isZero();
        assertThat(sout.toString()).contains("3001 rows, quantile scaling of 2 columns, 1500-1501 rows per worker");
        CheckpointImage image = CheckpointImage.of(out);
        assertThat(image.columns()).containsExactly("u", "v");

        List<Row> samples = SparkSampler.sample(spark, image, 2000, 2, 0, FlowOptions.sampling()).collectAsList();
        double[] mean = new double[2];
        double[] dataMean = new double[2];
        double[] dataSq = new double[2];
        for (Row r : samples) {
            mean[0] += r.getFloat(0) / 2000.0;
            mean[1] += r.getFloat(1) / 2000.0;
        }
        for (int i = 0; i < points.length; i++) {
            dataMean[i % 2] += points[i] / 3001.0;
            dataSq[i % 2] += (double) points[i] * points[i] / 3001.0;
        }
        for (int j = 0; j < 2; j++) {
            double std = Math.sqrt(dataSq[j] - dataMean[j] * dataMean[j]);
            assertThat(mean[j]).as("column %d: data mean %s, std %s", j, dataMean[j], std)
                    .isCloseTo(dataMean[j], org.assertj.core.data.Offset.offset(std));
        }
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

    // ---- bad input: one line naming the value and the fix, exit code 2, no checkpoint ----

    private static String failure(String... extra) {
        Path out = dir.resolve("never");
        List<String> args = new ArrayList<>(List.of("train", "--steps", "4", "--batch", "8", "--hidden", "4",
                "--out", out.toString(), "--master", SparkFixture.MASTER));
        args.addAll(List.of(extra));
        if (!args.contains("--workers")) {
            args.addAll(List.of("--workers", "2"));
        }
        StringWriter err = new StringWriter();
        var cl = FmSpark.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args.toArray(String[]::new));
        String text = err.toString().strip();
        assertThat(code).as(text).isEqualTo(2);
        assertThat(text).doesNotContain("\n").startsWith("fm-spark train: ").doesNotContain("Exception");
        assertThat(out).doesNotExist();
        return text;
    }

    private static String write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    @Test
    void aMissingFileIsNamedWithWhatDatasetAccepts() {
        assertThat(failure("--dataset", dir.resolve("nowhere.csv").toString()))
                .contains("nowhere.csv does not exist").contains("a CSV file or Parquet").contains("four-gaussians");
    }

    @Test
    void aTextFieldInACsvFileIsNamedByLineAndField() throws Exception {
        assertThat(failure("--dataset", write("text.csv", "u,v\n1,2\n3,abc\n5,6\n")))
                .contains("text.csv line 3, field 2: 'abc' is not a number");
    }

    @Test
    void aTextColumnInParquetIsNamedWithItsType() {
        List<Row> rows = List.of(RowFactory.create(1.0, "a"), RowFactory.create(2.0, "b"), RowFactory.create(3.0, "c"));
        Path p = dir.resolve("text-parquet");
        spark.createDataFrame(rows, new StructType().add("u", DataTypes.DoubleType).add("label", DataTypes.StringType))
                .write().parquet(p.toString());
        assertThat(failure("--dataset", p.toString())).contains("column 'label' has type string")
                .contains("every column must be numeric");
    }

    @Test
    void aNanInACsvFileOrAMissingValueInParquetIsNamedByRowAndColumn() throws Exception {
        assertThat(failure("--dataset", write("nan.csv", "1,2\n3,4\nNaN,6\n")))
                .contains("nan.csv line 3, field 1 is NaN; remove or impute it");

        List<Row> rows = List.of(RowFactory.create(1.0, 2.0), RowFactory.create(3.0, null),
                RowFactory.create(Double.NaN, 1.0));
        Path p = dir.resolve("null-parquet");
        spark.createDataFrame(rows, new StructType().add("u", DataTypes.DoubleType).add("v", DataTypes.DoubleType))
                .coalesce(1).write().parquet(p.toString());
        assertThat(failure("--dataset", p.toString())).contains("row 2, column 'v' is NaN or missing; remove or impute it");
    }

    @Test
    void fewerRowsThanWorkersSaysHowManyWorkersFit() throws Exception {
        assertThat(failure("--dataset", write("three.csv", "1,2\n3,4\n5,7\n"), "--workers", "4"))
                .contains("three.csv has 3 rows but --workers is 4").contains("use --workers 3 or fewer");
    }

    @Test
    void aLineOfAnotherWidthIsNamedWithTheWidthExpected() throws Exception {
        assertThat(failure("--dataset", write("ragged.csv", "1,2\n3,4\n5,6,7\n")))
                .contains("ragged.csv line 3 has 3 fields, expected 2 like line 1");
    }

    @Test
    void aScalingForABuiltInDataSetIsRefused() {
        assertThat(failure("--dataset", "moons", "--normalize", "minmax"))
                .contains("--normalize minmax applies to a table");
    }
}

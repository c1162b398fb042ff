package org.fmjvm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class FmSparkTest {

    @TempDir
    static Path dir;

    private static Path checkpoint;
    private static SparkSession spark;

    @BeforeAll
    static void setUp() {
        checkpoint = SparkFixture.checkpoint(dir);
        spark = SparkFixture.spark();
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = FmSpark.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void sampleWritesCsvWithTheCheckpointsHeaderAndScoreAddsALogDensityColumn() throws Exception {
        Path samples = dir.resolve("samples");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "sample", "--checkpoint", checkpoint.toString(), "--n", "501", "--partitions", "2",
                "--ode-steps", "10", "--format", "csv", "--out", samples.toString(), "--master", SparkFixture.MASTER);
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("wrote 501 points");
        Path part;
        try (Stream<Path> files = Files.list(samples)) {
            part = files.filter(f -> f.toString().endsWith(".csv")).sorted().findFirst().orElseThrow();
        }
        assertThat(Files.readAllLines(part).get(0)).isEqualTo("u,v");
        assertThat(spark.read().option("header", "true").csv(samples.toString()).count()).isEqualTo(501);

        Path scores = dir.resolve("scores");
        code = run(out, err, "score", "--checkpoint", checkpoint.toString(), "--input", samples.toString(),
                "--out", scores.toString(), "--master", SparkFixture.MASTER);
        assertThat(code).as(err.toString()).isZero();
        Dataset<Row> scored = spark.read().parquet(scores.toString());
        assertThat(scored.columns()).containsExactly("u", "v", "log_density");
        List<Row> rows = scored.collectAsList();
        assertThat(rows).hasSize(501);
        assertThat(rows).allSatisfy(r -> assertThat(Double.isFinite(r.getDouble(2))).isTrue());
    }

    @Test
    void aCsvFileWithoutHeaderIsReadWithTheCheckpointsColumnNames() throws Exception {
        Path points = dir.resolve("points.csv");
        Files.writeString(points, "0.5,0.25\n-1,2\n");
        Path scores = dir.resolve("scores-plain");
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "score", "--checkpoint", checkpoint.toString(), "--input",
                points.toString(), "--out", scores.toString(), "--format", "csv");
        assertThat(code).as(err.toString()).isZero();
        Dataset<Row> scored = spark.read().option("header", "true").csv(scores.toString());
        assertThat(scored.columns()).containsExactly("u", "v", "log_density");
        assertThat(scored.count()).isEqualTo(2);
    }

    @Test
    void aBadValueGetsOneLineNamingItAndANonZeroExit() {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "sample", "--checkpoint", checkpoint.toString(), "--n", "0",
                "--out", dir.resolve("never").toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("--n must be >= 1, got 0");
        assertThat(dir.resolve("never")).doesNotExist();
    }
}

package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.fmjvm.api.random.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table through the command line: train with scaling, held-out rows and integer columns, sample it
 * back with its header, score it with the table report, and the demo's table figures and metrics.
 */
class TableCommandsTest {

    @TempDir
    static Path dir;

    private static Path table;

    /**
     * 400 rows: "small" has spread 1e-3, "count" is a whole number 0..9, "flag" is always 2 (a
     * constant column), "big" has spread 1e4 and follows "small".
     */
    @BeforeAll
    static void writeTable() throws IOException {
        table = dir.resolve("table.csv");
        float[] u = Rng.seeded(5).normals(400 * 3);
        StringBuilder sb = new StringBuilder("small,count,flag,big\n");
        for (int r = 0; r < 400; r++) {
            double a = u[3 * r];
            int count = (int) Math.min(9, Math.max(0, Math.round(4.5 + 2 * u[3 * r + 1])));
            sb.append(String.format(Locale.ROOT, "%.7f,%d,2,%.2f%n", 1 + 1e-3 * a, count,
                    5e4 + 1e4 * (0.8 * a + 0.6 * u[3 * r + 2])));
        }
        Files.writeString(table, sb);
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void trainSampleAndEvaluateATable() throws IOException {
        Path ck = dir.resolve("ck");
        CliRun train = CliRun.of("train", "--dataset", table.toString(), "--out", ck.toString(), "--steps", "300",
                "--batch", "128", "--hidden", "64,64", "--validation", "0.25", "--validation-every", "100",
                "--keep-best", "--integer-columns", "auto", "--seed", "4");
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("standard scaling of 4 columns to 3").contains("100 rows held out")
                .containsPattern("held-out 100 rows at step \\d+");
        JsonNode info = json(ck.resolve("checkpoint.json"));
        assertThat(info.path("formatVersion").asInt()).isEqualTo(3);
        assertThat(info.path("dataDim").asInt()).isEqualTo(4);
        assertThat(info.path("model").path("dim").asInt()).isEqualTo(3);
        assertThat(info.path("normalization").path("kind").asText()).isEqualTo("standard");
        assertThat(info.path("normalization").path("integerColumns").toString()).isEqualTo("[1,2]");
        assertThat(info.path("heldOut").path("rows").asInt()).isEqualTo(100);
        assertThat(info.path("columns").toString()).isEqualTo("[\"small\",\"count\",\"flag\",\"big\"]");

        Path samples = dir.resolve("samples.csv");
        CliRun sample = CliRun.of("sample", "--checkpoint", ck.toString(), "--n", "500", "--out", samples.toString());
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        List<String> lines = Files.readAllLines(samples);
        assertThat(lines).hasSize(501);
        assertThat(lines.get(0)).isEqualTo("small,count,flag,big");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertThat(Double.parseDouble(f[1]) % 1).as(line).isZero();
            assertThat(Double.parseDouble(f[2])).as(line).isEqualTo(2.0);
            assertThat(Double.parseDouble(f[0])).as(line).isBetween(0.99, 1.01);
        }

        Path report = dir.resolve("report.json");
        CliRun evaluate = CliRun.of("evaluate", "--samples", samples.toString(), "--dataset", table.toString(),
                "--checkpoint", ck.toString(), "--json", report.toString());
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("memorisation:").contains("small").contains("big");
        JsonNode t = json(report).path("table");
        assertThat(t.path("trainRows").asInt()).isEqualTo(300);
        assertThat(t.path("heldOutRows").asInt()).isEqualTo(100);
        assertThat(t.path("columns")).hasSize(4);
        assertThat(t.path("memorisation").path("fractionBelowHeldOutP5").isNumber()).isTrue();
    }

    @Test
    void theDemoOnATableDrawsTheTableFiguresAndReportsTrainingAndHeldOutSideBySide() throws IOException {
        Path out = dir.resolve("demo");
        CliRun demo = CliRun.of("demo", "--dataset", table.toString(), "--out", out.toString(), "--steps", "200",
                "--batch", "128", "--hidden", "64,64", "--samples", "600", "--ode-steps", "20");
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(out.resolve("columns.png")).isNotEmptyFile();
        assertThat(out.resolve("pairs.png")).isNotEmptyFile();
        assertThat(out.resolve("correlations.png")).isNotEmptyFile();
        assertThat(out.resolve("pairings.png")).doesNotExist();
        JsonNode m = json(out.resolve("metrics.json"));
        JsonNode held = m.path("training").path("held_out");
        assertThat(held.path("rows").asInt()).isEqualTo(80);
        assertThat(held.path("training_rows").path("cfm_loss").isNumber()).isTrue();
        assertThat(held.path("held_out_rows").path("cfm_loss").isNumber()).isTrue();
        assertThat(held.path("held_out_rows").path("nll_nats").isNumber()).isTrue();
        assertThat(m.path("table").path("memorisation").path("verdict").asText()).isNotEmpty();
        assertThat(m.has("quality")).isFalse();
        assertThat(Files.readAllLines(out.resolve("samples.csv")).get(0)).isEqualTo("small,count,flag,big");
    }

    @Test
    void badTableOptionsGetOneLineThatSaysWhatToDo() {
        Path ck = dir.resolve("never");
        assertThat(CliRun.of("train", "--dataset", table.toString(), "--out", ck.toString(), "--normalize", "robust")
                .errLines()).singleElement().asString().contains("robust").contains("standard, minmax, quantile");
        assertThat(CliRun.of("train", "--dataset", table.toString(), "--out", ck.toString(), "--integer-columns",
                "counts").errLines()).singleElement().asString().contains("'counts'")
                .contains("small, count, flag, big");
        assertThat(CliRun.of("train", "--dataset", table.toString(), "--out", ck.toString(), "--keep-best")
                .errLines()).singleElement().asString().contains("--validation");
        assertThat(CliRun.of("train", "--dataset", table.toString(), "--out", ck.toString(), "--validation", "1.5")
                .errLines()).singleElement().asString().contains("[0, 1)");
        assertThat(ck).doesNotExist();
    }
}

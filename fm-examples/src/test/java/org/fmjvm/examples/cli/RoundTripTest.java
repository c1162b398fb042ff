package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.fmjvm.core.io.PointsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, sample, list and a tiny demo through the command line, checking what they write. */
class RoundTripTest {

    @TempDir
    Path dir;

    @Test
    void trainThenSampleWritesReproduciblePointsInTheCsvFormatTheReaderTakes() throws IOException {
        Path ck = dir.resolve("ck");
        CliRun train = CliRun.of("train", "--dataset", "eight-gaussians", "--out", ck.toString(), "--steps", "30",
                "--batch", "64", "--hidden", "32,32", "--seed", "3");
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(ck.resolve("model-000001.safetensors")).exists();
        JsonNode info = new ObjectMapper().readTree(ck.resolve("checkpoint.json").toFile());
        assertThat(info.path("seed").asLong()).isEqualTo(3);
        assertThat(info.path("path").path("name").asText()).isEqualTo("cond-ot");

        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        assertThat(CliRun.of("sample", "--checkpoint", ck.toString(), "--n", "250", "--ode-steps", "10", "--seed", "7",
                "--out", a.toString()).exitCode()).isZero();
        assertThat(CliRun.of("sample", "--checkpoint", ck.toString(), "--n", "250", "--ode-steps", "10", "--seed", "7",
                "--out", b.toString()).exitCode()).isZero();
        List<String> lines = Files.readAllLines(a);
        assertThat(lines).hasSize(250).allMatch(l -> l.split(",").length == 2);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        PointsCsv.Points read = PointsCsv.read(a);
        assertThat(read.n()).isEqualTo(250);
        assertThat(read.dim()).isEqualTo(2);

        // the samples can be fed back as starting points: integrating them again is a different, valid run
        Path c = dir.resolve("c.csv");
        CliRun again = CliRun.of("sample", "--checkpoint", ck.toString(), "--noise", a.toString(), "--ode-steps", "1",
                "--solver", "rk4", "--out", c.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readAllLines(c)).hasSize(250);
    }

    @Test
    void aFlowFromAnotherDistributionRecordsItsSourceAndSamplesFromIt() throws IOException {
        Path ck = dir.resolve("ck-moons");
        CliRun train = CliRun.of("train", "--dataset", "four-gaussians", "--source", "moons", "--out", ck.toString(),
                "--steps", "20", "--batch", "32", "--hidden", "16,16");
        assertThat(train.exitCode()).as(train.err()).isZero();
        JsonNode info = new ObjectMapper().readTree(ck.resolve("checkpoint.json").toFile());
        assertThat(info.path("source").asText()).isEqualTo("moons");
        Path a = dir.resolve("from-moons.csv");
        assertThat(CliRun.of("sample", "--checkpoint", ck.toString(), "--n", "50", "--seed", "1", "--out",
                a.toString()).exitCode()).isZero();
        assertThat(Files.readAllLines(a)).hasSize(50);
        CliRun bad = CliRun.of("train", "--dataset", "four-gaussians", "--source", "mooons", "--out",
                dir.resolve("x").toString());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("Unknown dataset 'mooons'");
    }

    @Test
    void listShowsEveryKindAndTheBuiltIns() {
        CliRun run = CliRun.of("list");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("backends:", "djl", "paths:", "cond-ot", "couplings:", "independent",
                "solvers:", "euler", "midpoint", "rk4", "time-samplers:", "uniform", "datasets",
                "four-gaussians", "two-spirals", "from org.fmjvm.paths.PathsModule");
    }

    @Test
    void aTinyDemoWritesEveryFigureAndTheMetrics() throws IOException {
        Path out = dir.resolve("demo");
        CliRun run = CliRun.of("demo", "--out", out.toString(), "--steps", "40", "--samples", "400", "--ode-steps", "5",
                "--pairs", "50", "--trajectories", "20", "--hidden", "32,32");
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String f : List.of("pairings.png", "samples.png", "trajectories.png", "velocity-field.png", "loss.png",
                "metrics.json", "samples.csv", "checkpoint/model-000001.safetensors", "checkpoint/checkpoint.json")) {
            assertThat(out.resolve(f)).as(f).isNotEmptyFile();
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertThat(m.path("quality").path("energyDistance").isNumber()).isTrue();
        assertThat(m.path("quality").path("energyDistanceFloor").path("mean").asDouble()).isPositive();
        assertThat(m.path("components").path("path").asText()).isEqualTo("cond-ot");
        assertThat(m.path("training").path("steps").asInt()).isEqualTo(40);
        assertThat(m.path("sampling").path("samples").asInt()).isEqualTo(400);
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp"));
        }
    }
}

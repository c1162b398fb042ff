package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fm evaluate} against values computed by hand on tiny sets. */
class EvaluateCommandTest {

    @TempDir
    Path dir;

    private JsonNode evaluate(String samples, String dataset) throws Exception {
        Path s = dir.resolve("samples.csv");
        Files.writeString(s, samples);
        Path json = dir.resolve("report.json");
        CliRun run = CliRun.of("evaluate", "--samples", s.toString(), "--dataset", dataset, "--json", json.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        return new ObjectMapper().readTree(json.toFile()).path("quality");
    }

    @Test
    void againstATableOfEqualRows() throws Exception {
        // samples {0, 3} against a table whose rows are all 1: whichever half is the reference, it is {1, 1}.
        // energy distance = 2 E|x - y| - E|x - x'| - E|y - y'| = 2 (1 + 2) / 2 - (0 + 3 + 3 + 0) / 4 - 0 = 1.5;
        // in one dimension every direction is +-1, so sliced W2^2 = ((0 - 1)^2 + (3 - 1)^2) / 2 = 2.5.
        Path table = dir.resolve("table.csv");
        Files.writeString(table, "x\n1\n1\n1\n1\n");
        JsonNode q = evaluate("0\n3\n", table.toString());
        assertThat(q.path("generated").asInt()).isEqualTo(2);
        assertThat(q.path("reference").asInt()).isEqualTo(2);
        assertThat(q.path("floorSize").asInt()).isEqualTo(2);
        assertThat(q.path("energyDistance").asDouble()).isCloseTo(1.5, within(1e-12));
        assertThat(q.path("slicedW2").asDouble()).isCloseTo(Math.sqrt(2.5), within(1e-12));
        assertThat(q.path("energyDistanceFloor").path("mean").asDouble()).isZero();
        assertThat(q.path("slicedW2Floor").path("mean").asDouble()).isZero();
        assertThat(q.has("logDensity")).as("a table has no density").isFalse();
    }

    @Test
    void atTheModesOfTheFourGaussians() throws Exception {
        // a point at a mode's centre has density 1/4 N(0; 0, 0.25 I) = 1 / (2 pi), up to the other modes'
        // share, below e^-72: mean -log q = log(2 pi) = 1.8379; one point per mode gives fractions 1/4.
        JsonNode q = evaluate("3,3\n-3,3\n3,-3\n-3,-3\n", "four-gaussians");
        assertThat(-q.path("logDensity").path("generatedMean").asDouble()).isCloseTo(Math.log(2 * Math.PI),
                within(1e-9));
        assertThat(q.path("logDensity").path("targetMean").asDouble()).as("minus the entropy, about 2.84")
                .isCloseTo(-2.838, within(0.02));
        for (JsonNode f : q.path("modes").path("generated")) {
            assertThat(f.asDouble()).isEqualTo(0.25);
        }
        assertThat(q.path("energyDistance").asDouble()).isPositive();
    }

    @Test
    void samplesOfAnotherDimensionGetOneLine() throws Exception {
        Path s = dir.resolve("s.csv");
        Files.writeString(s, "1,2,3\n4,5,6\n");
        CliRun run = CliRun.of("evaluate", "--samples", s.toString(), "--dataset", "moons");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines()[0]).contains("3 columns").contains("dimension 2");
    }
}

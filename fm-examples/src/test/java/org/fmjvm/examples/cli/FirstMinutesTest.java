package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user meets first: the help, the run summary, options that mean something, clean failures. */
class FirstMinutesTest {

    @TempDir
    Path dir;

    @Test
    void helpNamesBothBackends() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("PyTorch").contains("djl").contains("TensorFlow").contains("tf");
        // picocli wraps option descriptions at the width it chooses for the whole help
        assertThat(CliRun.of("train", "--help").out().replaceAll("\\s+", " "))
                .contains("djl (PyTorch) or tf (TensorFlow)");
    }

    @Test
    void trainPrintsTheResolvedComponentsWithoutASolver() {
        CliRun run = CliRun.of("train", "--dataset", "moons", "--out", dir.resolve("ck").toString(), "--steps", "3",
                "--batch", "16", "--hidden", "8", "--path", "poly", "--path-param", "n=3", "--seed", "11");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("backend: djl").contains("path: poly {n=3}").contains("coupling: independent")
                .contains("time-sampler: uniform").contains("seed: 11").doesNotContain("solver");
    }

    @Test
    void solverIsAnOptionOfTheCommandsThatSampleOnly() {
        CliRun train = CliRun.of("train", "--dataset", "moons", "--out", dir.resolve("ck").toString(), "--solver", "rk4");
        assertThat(train.exitCode()).isNotZero();
        assertThat(train.errLines()).hasSize(1);
        assertThat(train.err()).contains("fm train takes no --solver").contains("fm sample --checkpoint DIR --solver");
        assertThat(CliRun.of("train", "--help").out()).doesNotContain("--solver");
        assertThat(CliRun.of("demo", "--help").out()).contains("--solver=NAME");
        assertThat(CliRun.of("sample", "--help").out()).contains("--solver=NAME");
        assertThat(CliRun.of("bench", "--help").out()).doesNotContain("--solver");
    }

    @Test
    void demoThatFailsAtStartUpLeavesNoOutputFolder() {
        Path out = dir.resolve("nested").resolve("demo-out");
        CliRun run = CliRun.of("demo", "--out", out.toString(), "--path", "sigmod");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("Unknown path 'sigmod'");
        assertThat(dir.resolve("nested")).doesNotExist();

        run = CliRun.of("demo", "--out", out.toString(), "--coupling", "nope");
        assertThat(run.exitCode()).isNotZero();
        assertThat(dir.resolve("nested")).doesNotExist();
    }

    @Test
    void demoThatFailsAfterStartUpRemovesWhatItWrote() {
        Path out = dir.resolve("demo-out");
        // a learning rate this large makes the loss non-finite within a few steps: the trainer stops the run
        CliRun run = CliRun.of("demo", "--out", out.toString(), "--steps", "200", "--batch", "32", "--hidden", "16",
                "--lr", "1e6", "--samples", "50");
        assertThat(run.exitCode()).as(run.out() + run.err()).isNotZero();
        assertThat(out).doesNotExist();
    }

    @Test
    void demoComparesWithTheReferenceOnlyOnTheReferenceRecipe() throws Exception {
        Path out = dir.resolve("short");
        CliRun run = CliRun.of("demo", "--out", out.toString(), "--steps", "30", "--samples", "200", "--hidden", "16");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("plain PyTorch");
        assertThat(new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).has("reference")).isFalse();
    }
}

package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets one clear line on standard error, a non-zero exit code, and leaves
 * nothing half-written behind.
 */
class BadInputTest {

    @TempDir
    static Path shared;
    static Path checkpoint;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainASmallCheckpoint() {
        checkpoint = shared.resolve("ck");
        CliRun run = CliRun.of("train", "--dataset", "four-gaussians", "--out", checkpoint.toString(), "--steps", "20",
                "--batch", "32", "--hidden", "16,16");
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    private static void assertOneLineError(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as("exit code").isNotZero();
        assertThat(run.errLines()).as("error output: %s", run.err()).hasSize(1);
        assertThat(run.errLines()[0]).startsWith("fm: ");
        for (String f : fragments) {
            assertThat(run.errLines()[0]).contains(f);
        }
    }

    @Test
    void unknownPluginNameListsTheKnownOnes() {
        Path out = dir.resolve("out");
        assertOneLineError(CliRun.of("train", "--dataset", "four-gaussians", "--out", out.toString(), "--path", "sigmod"),
                "Unknown path 'sigmod'; known: [", "cond-ot");
        assertOneLineError(CliRun.of("train", "--dataset", "four-gaussians", "--out", out.toString(), "--backend", "tf2"),
                "Unknown backend 'tf2'; known: [", "djl");
        assertOneLineError(CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--out",
                dir.resolve("s.csv").toString(), "--solver", "dopri"), "Unknown solver 'dopri'");
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("s.csv")).doesNotExist();
    }

    @Test
    void commandLineMistakesGetOneLineWithTheFix() {
        CliRun run = CliRun.of("train", "--dataset", "moons", "--out", dir.resolve("o").toString(), "--steps", "abc");
        assertOneLineError(run, "'abc' is not an int", "see 'fm train --help'");
        assertThat(run.exitCode()).isEqualTo(2);
        assertOneLineError(CliRun.of("sample", "--out", "x.csv"), "Missing required option", "--checkpoint");
    }

    @Test
    void unknownDataSetListsTheBuiltIns() {
        assertOneLineError(CliRun.of("train", "--dataset", "fourgaussians", "--out", dir.resolve("o").toString()),
                "Unknown dataset 'fourgaussians'", "four-gaussians");
    }

    @Test
    void nonPositiveStepsBatchOrLearningRateAreRejected() {
        String out = dir.resolve("o").toString();
        assertOneLineError(CliRun.of("train", "--dataset", "moons", "--out", out, "--steps", "0"), "steps must be >= 1, got 0");
        assertOneLineError(CliRun.of("train", "--dataset", "moons", "--out", out, "--batch", "-4"), "batch must be >= 1, got -4");
        assertOneLineError(CliRun.of("train", "--dataset", "moons", "--out", out, "--lr", "0"), "learning rate must be", "got 0.0");
        assertOneLineError(CliRun.of("train", "--dataset", "moons", "--out", out, "--lr", "-1e-3"), "learning rate must be");
        assertOneLineError(CliRun.of("demo", "--out", out, "--steps", "-1"), "steps must be >= 1, got -1");
        assertOneLineError(CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--out", out + ".csv", "--n", "0"),
                "--n must be >= 1, got 0");
        assertOneLineError(CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--out", out + ".csv",
                "--ode-steps", "0"), "--ode-steps must be >= 1, got 0");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void malformedCsvNamesFileLineAndProblem() throws IOException {
        Path text = write("text.csv", "1.0,2.0\n3.0,abc\n");
        assertOneLineError(train(text), "text.csv", "line 2", "'abc' is not a number");
        Path ragged = write("ragged.csv", "1,2\n3,4\n5,6,7\n");
        assertOneLineError(train(ragged), "ragged.csv", "line 3", "3 fields", "expected 2");
        Path nan = write("nan.csv", "1,2\nNaN,4\n");
        assertOneLineError(train(nan), "nan.csv", "line 2", "NaN");
        Path inf = write("inf.csv", "1,2\n3,Infinity\n");
        assertOneLineError(train(inf), "inf.csv", "line 2");
        Path empty = write("empty.csv", "");
        assertOneLineError(train(empty), "empty.csv");
        assertOneLineError(train(dir.resolve("missing.csv")), "missing.csv");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void aCsvWhoseDimensionDisagreesWithTheCheckpointIsRejected() throws IOException {
        Path noise = write("noise3d.csv", "1,2,3\n4,5,6\n");
        Path out = dir.resolve("s.csv");
        assertOneLineError(CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--noise", noise.toString(),
                "--out", out.toString()), "noise3d.csv has 3 columns", "dimension 2");
        assertThat(out).doesNotExist();
    }

    @Test
    void missingOrCorruptCheckpointsAreNamed() throws IOException {
        Path out = dir.resolve("s.csv");
        assertOneLineError(CliRun.of("sample", "--checkpoint", dir.resolve("nope").toString(), "--out", out.toString()),
                "no checkpoint at", "nope");
        Path corrupt = dir.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.copy(checkpoint.resolve("checkpoint.json"), corrupt.resolve("checkpoint.json"));
        byte[] weights = Files.readAllBytes(checkpoint.resolve("model-000001.safetensors"));
        Files.write(corrupt.resolve("model-000001.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        assertOneLineError(CliRun.of("sample", "--checkpoint", corrupt.toString(), "--out", out.toString()),
                "model-000001.safetensors does not match the SHA-256");
        Files.writeString(corrupt.resolve("checkpoint.json"), "{ not json");
        assertOneLineError(CliRun.of("sample", "--checkpoint", corrupt.toString(), "--out", out.toString()),
                "checkpoint.json");
        assertThat(out).doesNotExist();
    }

    @Test
    void weightsOfAnotherModelAreRejectedNamingTheFileAndBothSizes() throws IOException {
        Path other = dir.resolve("wider");
        CliRun run = CliRun.of("train", "--dataset", "four-gaussians", "--out", other.toString(), "--steps", "2",
                "--batch", "8", "--hidden", "24,24");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path weights = other.resolve("model-000001.safetensors");
        Files.copy(checkpoint.resolve("model-000001.safetensors"), weights,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // a consistent hash, as a deliberate edit would record: the sizes still give the mix-up away
        Path sidecar = other.resolve("checkpoint.json");
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(sidecar.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("sha256")).put("model-000001.safetensors",
                org.fmjvm.core.io.Hashes.sha256Hex(Files.readAllBytes(weights)));
        Files.writeString(sidecar, root.toString());
        for (String backend : new String[] {"djl", "tf"}) {
            assertOneLineError(CliRun.of("sample", "--checkpoint", other.toString(), "--backend", backend, "--out",
                    dir.resolve("s.csv").toString()), "model-000001.safetensors holds", "values but the model in"
                    + " checkpoint.json", "the files do not belong together");
        }
        assertThat(dir.resolve("s.csv")).doesNotExist();
    }

    @Test
    void refusesToWriteACheckpointOverSomethingElse() throws IOException {
        Path busy = dir.resolve("busy");
        Files.createDirectories(busy);
        Files.writeString(busy.resolve("notes.txt"), "keep me");
        assertOneLineError(CliRun.of("train", "--dataset", "moons", "--out", busy.toString(), "--steps", "1"),
                "non-empty folder that holds no checkpoint");
        assertThat(Files.readString(busy.resolve("notes.txt"))).isEqualTo("keep me");
    }

    @Test
    void aFolderHoldingOnlyWhatAKilledFirstSaveLeftIsTrainedIntoAndCleaned() throws IOException {
        Path crashed = dir.resolve("crashed");
        Files.createDirectories(crashed);
        Files.writeString(crashed.resolve(".lock"), "fm train, pid 1 on gone, since 2026-01-01T00:00:00Z\n");
        Files.write(crashed.resolve("model-000001.safetensors"), new byte[] {1, 2});
        Files.write(crashed.resolve(".checkpoint.json.0a1b2c3d.tmp"), new byte[] {'{'});
        assertOneLineError(CliRun.of("sample", "--checkpoint", crashed.toString(), "--out",
                dir.resolve("c.csv").toString()), "has no checkpoint.json", "no save has finished there yet");
        CliRun run = CliRun.of("train", "--dataset", "moons", "--out", crashed.toString(), "--steps", "2", "--batch",
                "8", "--hidden", "8");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(crashed.toFile().list()).containsExactlyInAnyOrder(".lock", "checkpoint.json",
                "model-000002.safetensors");
    }

    private CliRun train(Path csv) {
        return CliRun.of("train", "--dataset", csv.toString(), "--out", dir.resolve("o").toString(), "--steps", "1");
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }
}

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
        checkpoint = CliRun.smallCheckpoint(shared.resolve("ck"));
    }

    @Test
    void unknownPluginNameListsTheKnownOnes() {
        Path out = dir.resolve("out");
        CliRun.of("train", "--dataset", "four-gaussians", "--out", out.toString(), "--path", "sigmod")
                .assertOneLineError("Unknown path 'sigmod'; known: [", "cond-ot");
        CliRun.of("train", "--dataset", "four-gaussians", "--out", out.toString(), "--backend", "tf2")
                .assertOneLineError("Unknown backend 'tf2'; known: [", "djl");
        CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--out",
                dir.resolve("s.csv").toString(), "--solver", "dopri").assertOneLineError("Unknown solver 'dopri'");
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("s.csv")).doesNotExist();
    }

    @Test
    void commandLineMistakesGetOneLineWithTheFix() {
        CliRun run = CliRun.of("train", "--dataset", "moons", "--out", dir.resolve("o").toString(), "--steps", "abc");
        run.assertOneLineError("'abc' is not an int", "see 'fm train --help'");
        assertThat(run.exitCode()).isEqualTo(2);
        CliRun.of("sample", "--out", "x.csv").assertOneLineError("Missing required option", "--checkpoint");
    }

    @Test
    void unknownDataSetListsTheBuiltIns() {
        CliRun.of("train", "--dataset", "fourgaussians", "--out", dir.resolve("o").toString())
                .assertOneLineError("Unknown dataset 'fourgaussians'", "four-gaussians");
    }

    @Test
    void nonPositiveStepsBatchOrLearningRateAreRejected() {
        String out = dir.resolve("o").toString();
        CliRun.of("train", "--dataset", "moons", "--out", out, "--steps", "0")
                .assertOneLineError("steps must be >= 1, got 0");
        CliRun.of("train", "--dataset", "moons", "--out", out, "--batch", "-4")
                .assertOneLineError("batch must be >= 1, got -4");
        CliRun.of("train", "--dataset", "moons", "--out", out, "--lr", "0")
                .assertOneLineError("learning rate must be", "got 0.0");
        CliRun.of("train", "--dataset", "moons", "--out", out, "--lr", "-1e-3")
                .assertOneLineError("learning rate must be");
        CliRun.of("demo", "--out", out, "--steps", "-1").assertOneLineError("steps must be >= 1, got -1");
        CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--out", out + ".csv", "--n", "0")
                .assertOneLineError("--n must be >= 1, got 0");
        CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--out", out + ".csv",
                "--ode-steps", "0").assertOneLineError("--ode-steps must be >= 1, got 0");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void malformedCsvNamesFileLineAndProblem() throws IOException {
        Path text = write("text.csv", "1.0,2.0\n3.0,abc\n");
        train(text).assertOneLineError("text.csv", "line 2", "'abc' is not a number");
        Path ragged = write("ragged.csv", "1,2\n3,4\n5,6,7\n");
        train(ragged).assertOneLineError("ragged.csv", "line 3", "3 fields", "expected 2");
        Path nan = write("nan.csv", "1,2\nNaN,4\n");
        train(nan).assertOneLineError("nan.csv", "line 2", "NaN");
        Path inf = write("inf.csv", "1,2\n3,Infinity\n");
        train(inf).assertOneLineError("inf.csv", "line 2");
        Path empty = write("empty.csv", "");
        train(empty).assertOneLineError("empty.csv");
        train(dir.resolve("missing.csv")).assertOneLineError("missing.csv");
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void aCsvWhoseDimensionDisagreesWithTheCheckpointIsRejected() throws IOException {
        Path noise = write("noise3d.csv", "1,2,3\n4,5,6\n");
        Path out = dir.resolve("s.csv");
        CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--noise", noise.toString(),
                "--out", out.toString()).assertOneLineError("noise3d.csv has 3 columns", "dimension 2");
        assertThat(out).doesNotExist();
    }

    @Test
    void missingOrCorruptCheckpointsAreNamed() throws IOException {
        Path out = dir.resolve("s.csv");
        CliRun.of("sample", "--checkpoint", dir.resolve("nope").toString(), "--out", out.toString())
                .assertOneLineError("no checkpoint at", "nope");
        Path corrupt = dir.resolve("corrupt");
        Files.createDirectories(corrupt);
        Files.copy(checkpoint.resolve("checkpoint.json"), corrupt.resolve("checkpoint.json"));
        byte[] weights = Files.readAllBytes(checkpoint.resolve("model-000001.safetensors"));
        Files.write(corrupt.resolve("model-000001.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        CliRun.of("sample", "--checkpoint", corrupt.toString(), "--out", out.toString())
                .assertOneLineError("model-000001.safetensors does not match the SHA-256");
        Files.writeString(corrupt.resolve("checkpoint.json"), "{ not json");
        CliRun.of("sample", "--checkpoint", corrupt.toString(), "--out", out.toString())
                .assertOneLineError("checkpoint.json");
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
            CliRun.of("sample", "--checkpoint", other.toString(), "--backend", backend, "--out",
                    dir.resolve("s.csv").toString())
                            .assertOneLineError("model-000001.safetensors holds", "values but the model in"
                    + " checkpoint.json", "the files do not belong together");
        }
        assertThat(dir.resolve("s.csv")).doesNotExist();
    }

    @Test
    void refusesToWriteACheckpointOverSomethingElse() throws IOException {
        Path busy = dir.resolve("busy");
        Files.createDirectories(busy);
        Files.writeString(busy.resolve("notes.txt"), "keep me");
        CliRun.of("train", "--dataset", "moons", "--out", busy.toString(), "--steps", "1")
                .assertOneLineError("non-empty folder that holds no checkpoint");
        assertThat(Files.readString(busy.resolve("notes.txt"))).isEqualTo("keep me");
    }

    @Test
    void aFolderHoldingOnlyWhatAKilledFirstSaveLeftIsTrainedIntoAndCleaned() throws IOException {
        Path crashed = dir.resolve("crashed");
        Files.createDirectories(crashed);
        Files.writeString(crashed.resolve(".lock"), "fm train, pid 1 on gone, since 2026-01-01T00:00:00Z\n");
        Files.write(crashed.resolve("model-000001.safetensors"), new byte[] {1, 2});
        Files.write(crashed.resolve(".checkpoint.json.0a1b2c3d.tmp"), new byte[] {'{'});
        CliRun.of("sample", "--checkpoint", crashed.toString(), "--out",
                dir.resolve("c.csv").toString())
                        .assertOneLineError("has no checkpoint.json", "no save has finished there yet");
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

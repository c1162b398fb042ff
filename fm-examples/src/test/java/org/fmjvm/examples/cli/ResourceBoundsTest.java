package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes that cannot fit (a batch, a point count, a network), outputs that cannot be written and
 * folders given where a file is expected all fail before any work, with one line that names the
 * value; and {@code fm sample} streams, so its points do not depend on how many are asked for.
 */
class ResourceBoundsTest {

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
    void aBatchBeyondMemoryOrArraysNamesItAndTheLargestThatFits() {
        Path out = dir.resolve("o");
        CliRun.of("train", "--dataset", "moons", "--out", out.toString(), "--batch", "1000000000")
                .assertOneLineError("--batch 1000000000 is too large", "more than a Java array holds",
                        "use --batch ", " or less");
        CliRun.of("train", "--dataset", "moons", "--out", out.toString(), "--batch", "2000000",
                "--hidden", "1024,1024").assertOneLineError("--batch 2000000 is too large", "use --batch ");
        CliRun.of("train", "--dataset", "moons", "--out", out.toString(), "--batch", "100000",
                "--coupling", "minibatch-ot")
                        .assertOneLineError("--batch 100000", "100000 x 100000 cost matrix", "use --batch ");
        CliRun.of("demo", "--out", out.toString(), "--batch", "1000000000").assertOneLineError("--batch 1000000000");
        CliRun.of("compare", "--couplings", "minibatch-ot", "--out", out.toString(), "--batch",
                "100000").assertOneLineError("--batch 100000", "cost matrix");
        assertThat(out).doesNotExist();
    }

    @Test
    void hiddenWidthsBeyondAnArrayAreNamed() {
        Path out = dir.resolve("o");
        CliRun.of("train", "--dataset", "moons", "--out", out.toString(), "--hidden",
                "1000000000,256")
                        .assertOneLineError("hidden widths [1000000000, 256] are too large", "use narrower layers");
        CliRun.of("demo", "--out", out.toString(), "--hidden", "40000,40000,40000")
                .assertOneLineError("hidden widths [40000, 40000, 40000]", "parameters, more than a Java array holds");
        assertThat(out).doesNotExist();
    }

    @Test
    void pointCountsHeldInMemoryAreBounded() {
        Path out = dir.resolve("o");
        CliRun.of("demo", "--out", out.toString(), "--samples", "1000000000")
                .assertOneLineError("--samples 1000000000 is too large", "use --samples ");
        CliRun.of("compare", "--checkpoint", checkpoint.toString(), "--out", out.toString(),
                "--samples", "2000000000").assertOneLineError("--samples 2000000000 is too large");
        CliRun.of("likelihood", "--checkpoint", checkpoint.toString(), "--dataset",
                "four-gaussians", "--n", "2000000000").assertOneLineError("--n 2000000000 is too large", "use --n ");
        CliRun.of("bench", "--samples", "2000000000").assertOneLineError("--samples 2000000000 is too large");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOutputUnderARegularFileFailsBeforeAnyWork() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        String under = file.resolve("x").toString();
        String because = file + " is a file, not a folder";
        CliRun.of("train", "--dataset", "moons", "--out", under).assertOneLineError("--out " + under, because);
        CliRun.of("demo", "--out", under).assertOneLineError(because);
        CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--out", under + ".csv").assertOneLineError(because);
        CliRun.of("likelihood", "--checkpoint", checkpoint.toString(), "--dataset",
                "four-gaussians", "--out", under + ".csv").assertOneLineError(because);
        CliRun.of("compare", "--checkpoint", checkpoint.toString(), "--out", under).assertOneLineError(because);
        CliRun.of("bench", "--json", under + ".json").assertOneLineError("--json", because);
        CliRun.of("evaluate", "--samples", checkpoint.resolve("x.csv").toString(), "--dataset",
                "four-gaussians", "--json", under + ".json").assertOneLineError("--json", because);
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void aReadOnlyOutputFolderFailsBeforeTraining() throws IOException {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(ro), "permissions are not enforced for this user (root)");
            CliRun.of("train", "--dataset", "moons", "--out", ro.resolve("ck").toString())
                    .assertOneLineError("the folder " + ro + " is not writable");
            CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--out",
                    ro.resolve("s.csv").toString()).assertOneLineError("is not writable");
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aFolderWhereAFileIsExpectedIsNamedAsOne() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("points"));
        String f = folder.toString();
        Path out = dir.resolve("o");
        CliRun.of("train", "--dataset", f, "--out", out.toString()).assertOneLineError("'" + f + "' is a directory",
                "expected the name of a data set [", "or a CSV file");
        CliRun.of("train", "--dataset", "moons", "--source", f, "--out", out.toString())
                .assertOneLineError("'" + f + "' is a directory");
        CliRun.of("demo", "--dataset", f, "--out", out.toString()).assertOneLineError("is a directory");
        CliRun.of("likelihood", "--checkpoint", checkpoint.toString(), "--dataset", f)
                .assertOneLineError("is a directory");
        CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--noise", f, "--out",
                dir.resolve("s.csv").toString()).assertOneLineError(f + " is a directory, not a CSV file");
        Path samples = dir.resolve("s.csv");
        assertThat(CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--n", "50", "--out",
                samples.toString()).exitCode()).isZero();
        CliRun.of("evaluate", "--samples", f, "--dataset", "four-gaussians")
                .assertOneLineError(f + " is a directory, not a CSV file");
        CliRun.of("evaluate", "--samples", samples.toString(), "--dataset", f).assertOneLineError("is a directory");
        CliRun.of("evaluate", "--samples", samples.toString(), "--dataset", samples.toString(),
                "--held-out", f).assertOneLineError(f + " is a directory, not a CSV file");
        assertThat(out).doesNotExist();
    }

    @Test
    void sampleStreamsChunksWhosePointsDoNotDependOnHowManyAreAsked() throws IOException {
        // 70,000 rows cross the 65,536-row chunk; with a fixed-step solver each row is its own ODE
        Path many = dir.resolve("many.csv");
        Path few = dir.resolve("few.csv");
        CliRun run = CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--n", "70000", "--seed", "4",
                "--ode-steps", "3", "--out", many.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(CliRun.of("sample", "--checkpoint", checkpoint.toString(), "--n", "1000", "--seed", "4",
                "--ode-steps", "3", "--out", few.toString()).exitCode()).isZero();
        List<String> manyLines = Files.readAllLines(many);
        assertThat(manyLines).hasSize(70_000);
        assertThat(manyLines.subList(0, 1000)).isEqualTo(Files.readAllLines(few));
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("many.csv", "few.csv");
        }
    }
}

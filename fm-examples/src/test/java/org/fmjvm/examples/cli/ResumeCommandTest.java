package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.fmjvm.api.random.Rng;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.testkit.ChildJvm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fm train --checkpoint-every N} killed with SIGKILL mid-run, then {@code fm train --resume
 * DIR}, ends with the weights and EMA weights of the uninterrupted run, bit for bit.
 */
class ResumeCommandTest {

    @TempDir
    static Path dir;

    private static Path table;

    /**
     * Training options shared by every run here: a CSV table with held-out rows, kept best weights and
     * a moving average of the weights.
     */
    private static List<String> recipe(Path out) {
        return new ArrayList<>(List.of("train", "--dataset", table.toString(), "--out", out.toString(), "--steps",
                "4000", "--batch", "32", "--hidden", "16,16", "--seed", "5", "--validation", "0.2",
                "--validation-every", "500", "--keep-best", "--lr-schedule", "cosine", "--ema", "0.995"));
    }

    @BeforeAll
    static void writeTable() throws IOException {
        Rng rng = Rng.seeded(11);
        StringBuilder csv = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 300; i++) {
            double x = rng.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f%n", x, 2 * x + rng.nextGaussian(),
                    100 + 10 * rng.nextGaussian()));
        }
        table = dir.resolve("table.csv");
        Files.writeString(table, csv);
    }

    @Test
    void aRunKilledMidWayAndResumedEndsBitForBitAsTheUninterruptedRun() throws Exception {
        Path full = dir.resolve("full");
        CliRun uninterrupted = CliRun.of(recipe(full).toArray(String[]::new));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

        Path part = dir.resolve("part");
        List<String> args = recipe(part);
        args.addAll(List.of("--checkpoint-every", "300"));
        Process child = ChildJvm.processBuilder(FmCommand.class, args.toArray(String[]::new))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        int killedAfter;
        try {
            killedAfter = waitForSnapshot(part, child);
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no final save
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        Checkpoints.Loaded snapshot = Checkpoints.load(part);
        assertThat(snapshot.resume()).as("a resumable checkpoint").isNotNull();
        assertThat(snapshot.ema()).as("a snapshot keeps the moving average too").isNotNull();
        assertThat(snapshot.info().steps()).isBetween(killedAfter, 3900);

        Path copy = dir.resolve("part-copy");
        Files.createDirectories(copy);
        try (var files = Files.list(part)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }

        CliRun resumed = CliRun.of("train", "--resume", part.toString());
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming from step " + snapshot.info().steps() + " of 4000");
        Checkpoints.Loaded a = Checkpoints.load(full);
        Checkpoints.Loaded b = Checkpoints.load(part);
        assertThat(b.weights()).isEqualTo(a.weights());
        assertThat(a.emaWeights()).isPresent();
        assertThat(b.emaWeights()).isEqualTo(a.emaWeights());
        assertThat(b.ema().decay()).isEqualTo(0.995);
        assertThat(b.info().training().finalLoss()).isEqualTo(a.info().training().finalLoss());
        assertThat(b.info().heldOut()).isEqualTo(a.info().heldOut());
        assertThat(b.resume()).as("the finished run is no longer resumable").isNull();
        assertThat(b.sourceRows()).isNull();

        // nothing left to resume
        CliRun again = CliRun.of("train", "--resume", part.toString());
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("holds a finished run").doesNotContain("Exception");

        // the data changed since the snapshot: refused, naming the file
        String original = Files.readString(table);
        try {
            Files.writeString(table, original.replaceFirst("\n-?[0-9]", "\n7"));
            CliRun changed = CliRun.of("train", "--resume", copy.toString());
            assertThat(changed.exitCode()).isNotZero();
            assertThat(changed.err()).contains(table.toAbsolutePath() + " has changed since the run started")
                    .doesNotContain("Exception");
        } finally {
            Files.writeString(table, original);
        }
    }

    /** Polls until the child has committed its first resumable checkpoint; returns its step. */
    private static int waitForSnapshot(Path out, Process child) throws Exception {
        Path sidecar = out.resolve(Checkpoints.INFO_FILE);
        for (int i = 0; i < 2400; i++) {
            assertThat(child.isAlive()).as("the child is still training (see child.log)").isTrue();
            if (Files.exists(sidecar)) {
                try {
                    Checkpoints.Loaded l = Checkpoints.load(out);
                    if (l.resume() != null) {
                        return l.info().steps();
                    }
                } catch (org.fmjvm.api.error.CheckpointException e) {
                    // a commit between our reads of two files: read again
                }
            }
            Thread.sleep(25);
        }
        throw new AssertionError("no resumable checkpoint within 60 s");
    }

    @Test
    void resumeRefusesOtherOptionsAndFinishedRuns() {
        Path out = dir.resolve("short");
        List<String> args = recipe(out);
        args.set(args.indexOf("4000"), "600");
        args.addAll(List.of("--checkpoint-every", "250"));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        CliRun finished = CliRun.of("train", "--resume", out.toString());
        assertThat(finished.exitCode()).isNotZero();
        assertThat(finished.err()).contains("holds a finished run");
        CliRun extra = CliRun.of("train", "--resume", out.toString(), "--steps", "10");
        assertThat(extra.exitCode()).isNotZero();
        assertThat(extra.err()).contains("--resume DIR takes no other options");
    }
}

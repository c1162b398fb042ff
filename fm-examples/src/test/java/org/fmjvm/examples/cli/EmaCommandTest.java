package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.fmjvm.core.checkpoint.Checkpoints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fm train --ema} stores the moving average next to the trained weights; {@code fm sample},
 * {@code fm likelihood} and {@code fm compare} use it by default and say so, {@code --weights final}
 * picks the trained weights, and mistakes are one clear line.
 */
class EmaCommandTest {

    @TempDir
    static Path dir;

    private static Path ema;
    private static Path plain;

    @BeforeAll
    static void train() {
        ema = dir.resolve("ema");
        CliRun run = CliRun.of("train", "--dataset", "four-gaussians", "--out", ema.toString(), "--steps", "80",
                "--batch", "64", "--hidden", "16,16", "--seed", "3", "--ema", "0.99");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("weights: the trained weights and their moving average (EMA decay 0.99);"
                + " sampling uses the EMA weights unless given --weights final");
        plain = CliRun.smallCheckpoint(dir.resolve("plain"));
    }

    private static CliRun sample(Path checkpoint, Path out, String... extra) {
        String[] base = {"sample", "--checkpoint", checkpoint.toString(), "--n", "300", "--ode-steps", "8", "--seed",
            "7", "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    @Test
    void theCheckpointKeepsBothSetsAndSamplingUsesTheAverageByDefault() throws IOException {
        Checkpoints.Loaded loaded = Checkpoints.load(ema);
        assertThat(loaded.ema()).isNotNull();
        assertThat(loaded.ema().decay()).isEqualTo(0.99);
        assertThat(loaded.emaWeights().orElseThrow()).isNotEqualTo(loaded.weights());
        assertThat(ema.resolve("ema-000001.safetensors")).exists();

        Path byDefault = dir.resolve("default.csv");
        Path asked = dir.resolve("ema.csv");
        Path last = dir.resolve("final.csv");
        assertThat(sample(ema, byDefault).out()).contains("from the EMA weights (decay 0.99)");
        sample(ema, asked, "--weights", "ema");
        assertThat(sample(ema, last, "--weights", "final").out()).contains("from the final weights (not the EMA)");
        assertThat(Files.readAllBytes(byDefault)).isEqualTo(Files.readAllBytes(asked));
        assertThat(Files.readAllBytes(last)).isNotEqualTo(Files.readAllBytes(byDefault));

        // the default is exactly the EMA weights: a checkpoint whose only weights are those samples the same
        Path copy = dir.resolve("ema-as-final");
        Checkpoints.save(copy, loaded.info(), loaded.emaWeights().orElseThrow());
        Path fromCopy = dir.resolve("copy.csv");
        assertThat(sample(copy, fromCopy).out()).contains("from the final weights").doesNotContain("not the EMA");
        assertThat(Files.readAllBytes(fromCopy)).isEqualTo(Files.readAllBytes(byDefault));
    }

    @Test
    void likelihoodAndCompareSayWhichWeightsTheyUse() {
        CliRun average = CliRun.of("likelihood", "--checkpoint", ema.toString(), "--dataset", "four-gaussians", "--n",
                "40", "--ode-steps", "4");
        assertThat(average.exitCode()).as(average.err()).isZero();
        assertThat(average.out()).contains("(EMA weights (decay 0.99))");
        CliRun last = CliRun.of("likelihood", "--checkpoint", ema.toString(), "--dataset", "four-gaussians", "--n",
                "40", "--ode-steps", "4", "--weights", "final");
        assertThat(last.exitCode()).as(last.err()).isZero();
        assertThat(last.out()).contains("(final weights (not the EMA))");
        assertThat(nll(last.out())).isNotEqualTo(nll(average.out()));

        CliRun compare = CliRun.of("compare", "--checkpoint", ema.toString(), "--solvers", "euler", "--nfe", "4",
                "--samples", "200", "--out", dir.resolve("compare").toString());
        assertThat(compare.exitCode()).as(compare.err()).isZero();
        assertThat(compare.out()).contains("from " + ema + " (EMA weights (decay 0.99))");
    }

    /** The mean NLL line of fm likelihood. */
    private static String nll(String out) {
        return out.lines().filter(l -> l.startsWith("mean NLL")).findFirst().orElseThrow();
    }

    @Test
    void askingForEmaWeightsACheckpointDoesNotHaveIsOneClearLine() {
        CliRun.of("sample", "--checkpoint", plain.toString(), "--out", dir.resolve("x.csv").toString(), "--weights",
                "ema").assertOneLineError("holds no EMA weights", "it was trained without --ema", "--weights final");
        CliRun.of("likelihood", "--checkpoint", plain.toString(), "--dataset", "four-gaussians", "--weights", "ema")
                .assertOneLineError("holds no EMA weights");
        CliRun.of("sample", "--checkpoint", ema.toString(), "--out", dir.resolve("y.csv").toString(), "--weights",
                "best").assertOneLineError("--weights must be ema or final, got 'best'");
        assertThat(dir.resolve("x.csv")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "-0.1", "NaN"})
    void aBadDecayIsOneLineSayingWhatADecayIs(String decay) {
        Path out = dir.resolve("bad-" + decay);
        CliRun.of("train", "--dataset", "four-gaussians", "--out", out.toString(), "--steps", "5", "--ema", decay)
                .assertOneLineError("--ema: EMA decay must be in [0, 1), e.g. 0.999", "got " + Double.parseDouble(decay));
        assertThat(out).doesNotExist();
    }
}

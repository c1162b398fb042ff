package org.fmjvm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fmjvm.api.model.Activation;
import org.fmjvm.api.model.ModelSpec;
import org.fmjvm.api.model.ModelWeights;
import org.fmjvm.api.model.OptimizerSpec;
import org.fmjvm.api.model.TimeEmbedding;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fm likelihood} on an affine flow between two known Gaussians: {@code v(t, x) = a x + b}
 * (elementwise) carries {@code N(0, I)} to {@code N(m, diag(e^(2a)))} with {@code m = b (e^a - 1) / a},
 * so each point's log density is known in closed form. The MLP is made exactly affine with ReLU
 * units kept on by a large bias.
 */
class LikelihoodCommandTest {

    private static final float[] A = {0.6f, -0.3f};
    private static final float[] B = {1.5f, -2f};
    private static final float ON = 50f;
    private static final int ROWS = 400;

    @TempDir
    static Path dir;

    private static Path checkpoint;
    private static Path points;

    @BeforeAll
    static void writeCheckpointAndPoints() throws IOException {
        ModelSpec spec = new ModelSpec(2, List.of(2), Activation.RELU, new TimeEmbedding.Raw());
        List<ModelWeights.Parameter> params = new ArrayList<>();
        for (ModelWeights.Parameter p : spec.parameterShapes()) {
            float[] v = new float[p.size()];
            if (p.name().equals(ModelSpec.weightName(0))) {
                v[0] = 1f;      // [2, 3]: x columns first, then t
                v[4] = 1f;
            } else if (p.name().equals(ModelSpec.biasName(0))) {
                v[0] = ON;
                v[1] = ON;
            } else if (p.name().equals(ModelSpec.weightName(1))) {
                v[0] = A[0];
                v[3] = A[1];
            } else {
                v[0] = B[0] - ON * A[0];
                v[1] = B[1] - ON * A[1];
            }
            params.add(new ModelWeights.Parameter(p.name(), p.shape(), v));
        }
        checkpoint = dir.resolve("affine");
        Checkpoints.save(checkpoint, CheckpointInfo.of(spec, CheckpointInfo.Component.named("cond-ot"),
                CheckpointInfo.Component.named("independent"), "four-gaussians", "standard-normal", 0, 1, 1,
                OptimizerSpec.adam(1e-3), "djl", new CheckpointInfo.TrainingSummary(1, 0), Instant.now()),
                new ModelWeights(params));
        float[] x = Rng.seeded(12).normals(ROWS * 2);
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < ROWS; r++) {
            sb.append(String.format(Locale.ROOT, "%s,%s%n", 2 * x[2 * r] + 1, 2 * x[2 * r + 1] - 1));
        }
        points = dir.resolve("points.csv");
        Files.writeString(points, sb);
    }

    /** log N(x; m, diag(e^(2a))) for the flow's end distribution. */
    private static double exact(double x0, double x1) {
        double[] x = {x0, x1};
        double logp = 0;
        for (int i = 0; i < 2; i++) {
            double m = B[i] * (Math.exp(A[i]) - 1) / A[i];
            double z = (x[i] - m) * Math.exp(-A[i]);
            logp += -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - A[i];
        }
        return logp;
    }

    @ParameterizedTest
    @ValueSource(strings = {"djl", "tf"})
    void everyPointsLogDensityIsTheClosedForm(String backend) throws IOException {
        Path out = dir.resolve("ll-" + backend + ".csv");
        CliRun run = CliRun.of("likelihood", "--checkpoint", checkpoint.toString(), "--dataset", points.toString(),
                "--backend", backend, "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> in = Files.readAllLines(points);
        List<String> got = Files.readAllLines(out);
        assertThat(got).hasSize(ROWS);
        double nll = 0;
        for (int r = 0; r < ROWS; r++) {
            String[] f = in.get(r).split(",");
            double truth = exact(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
            assertThat(Double.parseDouble(got.get(r))).as("row %d", r + 1).isCloseTo(truth, within(2e-4));
            nll -= truth / ROWS;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("mean NLL (\\S+) nats .* = (\\S+) bits/dim")
                .matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(nll, within(2e-4));
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(nll / (2 * Math.log(2)), within(2e-4));
    }

    @Test
    void hutchinsonsEstimateIsReproducibleForASeedAndNearTheExactMean() throws IOException {
        Path a = dir.resolve("h-a.csv");
        Path b = dir.resolve("h-b.csv");
        Path c = dir.resolve("h-c.csv");
        for (Object[] run : new Object[][] {{a, "1"}, {b, "1"}, {c, "2"}}) {
            CliRun r = CliRun.of("likelihood", "--checkpoint", checkpoint.toString(), "--dataset", points.toString(),
                    "--divergence", "hutchinson:2", "--probes", "gaussian", "--seed", (String) run[1], "--out",
                    run[0].toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("2 gaussian probes");
        }
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
        assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(a));
        // the field is diagonal, so only the probes' squared lengths scale the divergence: the mean stays close
        double exactMean = 0;
        double estimateMean = 0;
        List<String> in = Files.readAllLines(points);
        List<String> est = Files.readAllLines(a);
        for (int r = 0; r < ROWS; r++) {
            String[] f = in.get(r).split(",");
            exactMean += exact(Double.parseDouble(f[0]), Double.parseDouble(f[1])) / ROWS;
            estimateMean += Double.parseDouble(est.get(r)) / ROWS;
        }
        assertThat(estimateMean).isCloseTo(exactMean, within(0.1));
    }

    @Test
    void badInputGetsOneLine() throws IOException {
        Path threeColumns = dir.resolve("three.csv");
        Files.writeString(threeColumns, "1,2,3\n4,5,6\n");
        for (String[] args : new String[][] {
            {"--divergence", "hutchinson:0"},
            {"--divergence", "sampled"},
            {"--probes", "cauchy"},
            {"--ode-steps", "0"},
            {"--rtol", "-1"},
        }) {
            List<String> all = new ArrayList<>(List.of("likelihood", "--checkpoint", checkpoint.toString(), "--dataset",
                    points.toString()));
            all.addAll(List.of(args));
            CliRun r = CliRun.of(all.toArray(new String[0]));
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.errLines()).as(String.join(" ", args)).singleElement().asString().startsWith("fm: ")
                    .contains(args[0]);
        }
        CliRun wrongDim = CliRun.of("likelihood", "--checkpoint", checkpoint.toString(), "--dataset",
                threeColumns.toString());
        assertThat(wrongDim.errLines()).singleElement().asString().contains("3 columns").contains("dimension 2");
    }
}

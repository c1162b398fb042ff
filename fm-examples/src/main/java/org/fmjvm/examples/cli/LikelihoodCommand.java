package org.fmjvm.examples.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.ResourceLimits;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.io.OutputPaths;
import org.fmjvm.core.likelihood.Likelihood;
import org.fmjvm.core.plugin.Plugins;
import org.fmjvm.core.train.TrainingData;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fm likelihood}: the log density a checkpoint's flow gives each point of a data set, by the
 * continuous change of variables (see {@link Likelihood}), reported as the mean negative
 * log-likelihood in nats and bits per dimension with its standard error, and optionally written one
 * value per line as anomaly scores.
 */
@Command(name = "likelihood", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score points under a trained flow: integrate the velocity and its divergence from t = 1"
            + " back to t = 0, print the mean negative log-likelihood (nats and bits per dimension) with its"
            + " standard error, and with --out write each point's log density (one per line, in input order).",
            "A table's scaling is included, so the densities are in the data's own units."})
final class LikelihoodCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A folder written by fm train.")
    Path checkpoint;

    @Option(names = "--dataset", required = true, paramLabel = "NAME|FILE.csv",
            description = "The points: a CSV file (every row scored, in order) or a named data set (--n fresh"
                    + " draws, next to their true density).")
    String dataset;

    @Option(names = "--n", paramLabel = "N", defaultValue = "10000",
            description = "Draws from a named data set (default: ${DEFAULT-VALUE}).")
    int n;

    @Mixin
    SolverOptions solver;

    @Option(names = "--ode-steps", paramLabel = "K", defaultValue = "20",
            description = "Steps of a fixed-step solver (default: ${DEFAULT-VALUE}).")
    int odeSteps;

    @Option(names = "--rtol", paramLabel = "R", defaultValue = "1e-5",
            description = "Relative tolerance of an adaptive solver such as dopri5, unless --solver-param sets it"
                    + " (default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", paramLabel = "A", defaultValue = "1e-5",
            description = "Absolute tolerance of an adaptive solver (default: ${DEFAULT-VALUE}).")
    double atol;

    @Option(names = "--divergence", paramLabel = "KIND", defaultValue = "exact",
            description = "exact (one backward pass per dimension) or hutchinson:K (Hutchinson's unbiased estimate"
                    + " with K probes per point, K backward passes) (default: ${DEFAULT-VALUE}).")
    String divergence;

    @Option(names = "--probes", paramLabel = "KIND", defaultValue = "rademacher",
            description = "Hutchinson's probe vectors: rademacher or gaussian (default: ${DEFAULT-VALUE}).")
    String probes;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of a named data set's draws and of Hutchinson's probes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "FILE.csv",
            description = "Write each point's log density in nats, one per line in input order (-Infinity for a point"
                    + " the flow gives no density).")
    Path out;

    @Mixin
    WeightsOptions weights;

    @Mixin
    BackendOptions backend;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Hutchinson's probe count from {@code --divergence}, 0 for the exact divergence. */
    private int probeCount() {
        String d = divergence.strip().toLowerCase(Locale.ROOT);
        if (d.equals("exact")) {
            return 0;
        }
        if (d.startsWith("hutchinson:")) {
            try {
                int k = Integer.parseInt(d.substring("hutchinson:".length()));
                if (k >= 1) {
                    return k;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new ConfigurationException("--divergence must be exact or hutchinson:K with K >= 1 probes, got '"
                + divergence + "'");
    }

    private Likelihood.Probe probeKind() {
        for (Likelihood.Probe p : Likelihood.Probe.values()) {
            if (p.id().equals(probes.strip().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new ConfigurationException("--probes must be rademacher or gaussian, got '" + probes + "'");
    }

    @Override
    public Integer call() throws IOException {
        int k = probeCount();
        Likelihood.Probe kind = probeKind();
        if (odeSteps < 1) {
            throw new ConfigurationException("--ode-steps must be >= 1, got " + odeSteps);
        }
        if (!(rtol > 0) || !(atol > 0)) {
            throw new ConfigurationException("--rtol and --atol must be > 0, got " + rtol + " and " + atol);
        }
        if (n < 1) {
            throw new ConfigurationException("--n must be >= 1, got " + n);
        }
        if (out != null && Files.isDirectory(out)) {
            throw new ConfigurationException("--out " + out + " is a folder; give a file name such as scores.csv");
        }
        if (out != null) {
            OutputPaths.requireWritableFile(out, "--out");
        }
        weights.validate();
        Checkpoints.Loaded loaded = Runs.load(checkpoint, spec.commandLine().getErr());
        CheckpointInfo info = loaded.info();
        WeightsOptions.Chosen chosen = weights.choose(loaded);
        Dataset data = Datasets.resolve(dataset);
        if (!(data instanceof CsvDataset)) {
            ResourceLimits.ofThisJvm().checkPoints(n, data.dim(), POINT_COPIES, "--n");
        }
        float[] points;
        int rows;
        if (data instanceof CsvDataset csv) {
            csv.requireDim(info.dataDim(), "the checkpoint's model");
            points = csv.points();
            rows = csv.size();
        } else {
            if (data.dim() != info.dataDim()) {
                throw new ConfigurationException(dataset + " has dimension " + data.dim() + " but the checkpoint's"
                        + " model has dimension " + info.dataDim());
            }
            rows = n;
            points = data.sample(n, Rng.seeded(seed).split("likelihood-data"));
        }
        FmConfig config = FmConfig.defaults().withBackend(backend.choice())
                .withSolver(SolverOptions.withTolerances(Plugins.discover(), solver.choice("rk4"), rtol, atol))
                .withSeed(seed);
        PrintWriter stdout = spec.commandLine().getOut();
        try (FmRuntime fm = FlowMatching.bootstrap(config);
                VelocityModel model = fm.loadModel(info.model(), chosen.weights())) {
            Runs.noteUnknownComponents(checkpoint, info, fm.registry(), spec.commandLine().getErr());
            Dataset source = TrainingData.modelSource(loaded.source(),
                    info.normalization());
            Likelihood likelihood = new Likelihood(model, fm.solver(), source);
            if (k > 0) {
                likelihood = likelihood.hutchinson(k, Rng.seeded(seed).split("likelihood-probes"), kind);
            }
            long start = System.nanoTime();
            double[] logp = likelihood.logDensity(points, rows, info.normalization(),
                    SolveOptions.steps(odeSteps).withTolerances(atol, rtol));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (out != null) {
                AtomicFiles.write(out, stream -> {
                    Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
                    for (double v : logp) {
                        w.write(Double.toString(v));
                        w.write('\n');
                    }
                    w.flush();
                });
            }
            int modelDim = info.model().dim();
            stdout.println(rows + " points of " + data.name() + " under " + checkpoint + " (" + chosen.description()
                    + "): " + likelihood.describe() + String.format(Locale.ROOT, ", %.2f s", seconds));
            Mean nll = Mean.of(logp, -1);
            if (nll.count() > 0) {
                stdout.printf(Locale.ROOT, "mean NLL %.4f nats (standard error %.4f) = %.4f bits/dim (%.4f) over %d"
                        + " modelled dimension%s%n", nll.mean(), nll.se(), nll.mean() / (modelDim * Math.log(2)), nll.se()
                        / (modelDim * Math.log(2)), modelDim, modelDim == 1 ? "" : "s");
            }
            if (nll.count() < rows) {
                stdout.println((rows - nll.count()) + " point" + (rows - nll.count() == 1 ? " has" : "s have")
                        + " no density under the flow (a value in a column that was constant in training) and"
                        + " are left out of the mean");
            }
            Optional<LogDensity> truth = data instanceof CsvDataset ? Optional.empty() : data.logDensity();
            if (truth.isPresent() && info.normalization().inputDim() == data.dim()) {
                double[] exact = new double[rows];
                for (int r = 0; r < rows; r++) {
                    exact[r] = truth.get().at(points, r);
                }
                Mean t = Mean.of(exact, -1);
                stdout.printf(Locale.ROOT, "true NLL of the same points %.4f nats (standard error %.4f): the flow's"
                        + " is %.4f nats higher%n", t.mean(), t.se(), nll.mean() - t.mean());
            }
            if (out != null) {
                stdout.println("wrote " + rows + " log densities to " + out);
            }
        }
        stdout.flush();
        return 0;
    }

    /**
     * Arrays of float32 the size of the points held at once: the points, the log densities and the
     * true ones (float64 each, one per point), and the integration's copies of a chunk.
     */
    static final int POINT_COPIES = 8;

    /** Mean and standard error of the finite values of {@code sign * v}. */
    private record Mean(double mean, double se, int count) {
        static Mean of(double[] v, double sign) {
            double sum = 0;
            int count = 0;
            for (double x : v) {
                if (Double.isFinite(x)) {
                    sum += sign * x;
                    count++;
                }
            }
            double mean = sum / Math.max(1, count);
            double ss = 0;
            for (double x : v) {
                if (Double.isFinite(x)) {
                    ss += (sign * x - mean) * (sign * x - mean);
                }
            }
            return new Mean(mean, count > 1 ? Math.sqrt(ss / (count - 1) / count) : 0, count);
        }
    }
}

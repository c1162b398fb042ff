package org.fmjvm.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

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
import org.fmjvm.core.io.OutputPaths;
import org.fmjvm.core.io.PointsCsv;
import org.fmjvm.core.sample.Sampler;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fm sample}: loads a checkpoint and writes generated points as CSV. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate points from a checkpoint by integrating its velocity field from noise; write them as CSV.")
final class SampleCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A folder written by fm train.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv",
            description = "Where to write the points, one per line, comma-separated.")
    Path out;

    @Option(names = "--n", paramLabel = "N", defaultValue = "10000",
            description = "Points to generate (default: ${DEFAULT-VALUE}); they are generated and written "
                    + Sampler.CHUNK + " at a time, so any number fits in memory.")
    long n;

    @Mixin
    SolverOptions solver;

    @Option(names = "--ode-steps", paramLabel = "K", defaultValue = "100", description = "Solver steps (default: ${DEFAULT-VALUE}).")
    int odeSteps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--noise", paramLabel = "FILE.csv",
            description = "Integrate these starting points (one per line) instead of drawing them from the checkpoint's"
                    + " source; --n is then their count.")
    Path noise;

    @Mixin
    WeightsOptions weights;

    @Mixin
    BackendOptions backend;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (n < 1) {
            throw new ConfigurationException("--n must be >= 1, got " + n);
        }
        if (odeSteps < 1) {
            throw new ConfigurationException("--ode-steps must be >= 1, got " + odeSteps);
        }
        if (Files.isDirectory(out)) {
            throw new ConfigurationException("--out " + out + " is a folder; give a file name such as samples.csv");
        }
        OutputPaths.requireWritableFile(out, "--out");
        weights.validate();
        Checkpoints.Loaded loaded = Runs.load(checkpoint, spec.commandLine().getErr());
        CheckpointInfo info = loaded.info();
        WeightsOptions.Chosen chosen = weights.choose(loaded);
        int dim = info.model().dim();
        float[] x0 = null;
        long rows = n;
        if (noise != null) {
            CsvDataset points = CsvDataset.load(noise).requireDim(dim, "the checkpoint's model"
                    + (dim == info.dataDim() ? "" : " (its normalised coordinates; the data has " + info.dataDim()
                    + " columns, " + info.normalization().constantColumns().size() + " of them constant)"));
            x0 = points.points();
            rows = points.size();
        }
        ResourceLimits.ofThisJvm().checkSampling(info.model(), info.dataDim(), (int) Math.min(rows, Sampler.CHUNK),
                noise != null ? "--noise" : "--n");
        FmConfig config = FmConfig.defaults().withBackend(backend.choice())
                .withSolver(solver.choice()).withSeed(seed);
        PrintWriter stdout = spec.commandLine().getOut();
        try (FmRuntime fm = FlowMatching.bootstrap(config); VelocityModel model = fm.loadModel(info.model(), chosen.weights())) {
            Runs.noteUnknownComponents(checkpoint, info, fm.registry(), spec.commandLine().getErr());
            Sampler sampler = fm.sampler(model, loaded.source(), info.normalization());
            SolveOptions options = SolveOptions.steps(odeSteps);
            long start = System.nanoTime();
            // the noise is drawn chunk after chunk from one stream: the same points as drawing it all at once
            Iterator<float[]> chunks = x0 != null ? List.of(sampler.generate(x0, (int) rows, options)).iterator()
                    : sampler.stream(rows, options, Rng.seeded(seed).split("sample"), Sampler.CHUNK);
            PointsCsv.write(out, chunks, info.dataDim(), info.columns());
            double seconds = (System.nanoTime() - start) / 1e9;
            stdout.printf(Locale.ROOT, "wrote %d points to %s (%s, %d steps, %.2f s, %.0f samples/s) from the %s%n",
                    rows, out, fm.solver().describe(), odeSteps, seconds, rows / seconds, chosen.description());
        }
        stdout.flush();
        return 0;
    }
}

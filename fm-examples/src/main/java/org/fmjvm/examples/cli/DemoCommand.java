package org.fmjvm.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.coupling.CoupledBatch;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.Solution;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.solver.Trajectory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.api.train.ValidationEnd;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.ResourceLimits;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.io.PointsCsv;
import org.fmjvm.core.metrics.QualityReport;
import org.fmjvm.core.metrics.Straightness;
import org.fmjvm.core.metrics.TableReport;
import org.fmjvm.core.normalize.Normalizer;
import org.fmjvm.core.sample.Sampler;
import org.fmjvm.core.train.TrainingData;
import org.fmjvm.core.train.Validation;
import org.fmjvm.examples.figures.Bounds;
import org.fmjvm.examples.figures.Figures;
import org.fmjvm.examples.figures.TableFigures;
import org.fmjvm.examples.figures.VelocityGrid;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fm demo}: the classic tutorial end to end. Trains on the four Gaussians (or another data
 * set), samples, and writes the figures (random pairings, samples over the target, trajectories,
 * the velocity field, the loss curve), {@code metrics.json}, the samples as CSV and a checkpoint.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train on four Gaussians, sample, and write figures, metrics.json, samples.csv and a checkpoint.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-out",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--dataset", paramLabel = "NAME|FILE.csv", defaultValue = Datasets.FOUR_GAUSSIANS,
            description = "Target data (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--source", paramLabel = "NAME|FILE.csv", defaultValue = GaussianSource.NAME,
            description = "Where x0 comes from: ${DEFAULT-VALUE} (default) or a data set, for a flow between two"
                    + " distributions.")
    String source;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10000",
            description = "Points to generate (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--ode-steps", paramLabel = "K", defaultValue = "100",
            description = "Solver steps for sampling (default: ${DEFAULT-VALUE}).")
    int odeSteps;

    @Option(names = "--pairs", paramLabel = "N", defaultValue = "500",
            description = "Random pairings drawn in pairings.png (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--trajectories", paramLabel = "N", defaultValue = "200",
            description = "Trajectories drawn in trajectories.png (default: ${DEFAULT-VALUE}).")
    int trajectories;

    @Mixin
    ComponentOptions components;

    @Mixin
    SolverOptions solver;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions dataOptions;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        model.validate();
        if (samples < 2 || odeSteps < 1 || pairs < 1 || trajectories < 1) {
            throw new ConfigurationException("--samples must be >= 2 and --ode-steps, --pairs, --trajectories >= 1");
        }
        OutputFolder.check(out, "--out");
        Dataset data = Datasets.resolve(dataset);
        Dataset from = Datasets.source(source, data.dim());
        checkResources(data.dim());
        CsvDataset table = data instanceof CsvDataset t ? t : null;
        double defaultFraction = table != null ? TABLE_VALIDATION : 0;
        dataOptions.validate(defaultFraction);
        TrainingData prepared = dataOptions.prepare(data, from, defaultFraction, components.config().seed());
        List<String> columns = table != null ? table.columnNames() : List.of();
        long wallStart = System.nanoTime();
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, Object> metrics = new LinkedHashMap<>();
        List<String> figures = new ArrayList<>();
        try (FmRuntime fm = FlowMatching.bootstrap(components.config().withSolver(solver.choice()));
                OutputFolder folder = OutputFolder.create(out)) {
            Rng rng = fm.rng();
            stdout.println(fm.summary());
            stdout.println("data: " + prepared.data().describe() + (prepared.heldOutCount() > 0
                    ? "; " + prepared.heldOutCount() + " rows held out" : ""));
            stdout.flush();
            boolean identity = prepared.normalizer().kind() == Normalizer.Kind.NONE;
            // the tutorial's point plots share one scale on both axes: they show data in its own units,
            // which a scaled table's columns are not (its figures are the table figures below)
            boolean planar = data.dim() == 2 && identity;
            float[] target = data.sample(samples, rng.split("figure-target"));
            float[] pairX0 = from.sample(pairs, rng.split("figure-pairs-source"));
            float[] pairX1 = data.sample(pairs, rng.split("figure-pairs-target"));
            Bounds bounds = planar ? Bounds.covering(target, from.sample(samples, rng.split("figure-bounds"))) : null;
            if (planar) {
                float[][] pathStates = pathStates(fm, pairX0, pairX1, rng.split("figure-pairs-path"));
                String couplingName = fm.component(ComponentKind.COUPLING).name();
                String pathName = fm.component(ComponentKind.PATH).name();
                String label = pathName.equals("cond-ot") ? "x\u209c = (1\u2212t) x\u2080 + t x\u2081"
                        : "x\u209c on the " + pathName + " path";
                figures.add(figure(folder.resolve("pairings.png"), p -> Figures.pairingPaths(p, pathStates, label,
                        String.format(Locale.ROOT, "%,d %s (x0 ~ %s, x1 ~ %s) and their paths", pairs,
                                couplingName.equals("independent") ? "random pairs"
                                        : "pairs from the " + couplingName + " coupling",
                                from instanceof GaussianSource ? "N(0, I)" : from.name(), data.name()), bounds)));
            }

            try (Runs.Trained trained = Runs.train(fm, prepared, dataset, source, model, dataOptions,
                    dataOptions.keepBest(table != null))) {
                try (Checkpoints.Writer writer = Checkpoints.open(folder.resolve("checkpoint"), "fm demo")) {
                    writer.save(trained.info(), trained.weights(), trained.ema(), Runs.storedSource(from), null);
                }
                VelocityModel vm = trained.model();
                Sampler sampler = fm.sampler(vm, from, prepared.normalizer());
                float[] noise = sampler.noise(samples, rng.split("sample"));
                long t0 = System.nanoTime();
                float[] generated = sampler.generate(noise, samples, SolveOptions.steps(odeSteps));
                double sampleSeconds = (System.nanoTime() - t0) / 1e9;
                PointsCsv.write(folder.resolve("samples.csv"), generated, data.dim(), columns);

                if (planar) {
                    figures.add(figure(folder.resolve("samples.png"), p -> Figures.samples(p, generated, samples, target,
                            samples, String.format(Locale.ROOT, "%,d generated samples (%s, %d steps) over %,d target samples",
                                    samples, fm.solver().describe().split(" ")[0], odeSteps, samples), bounds)));
                    Trajectory traj = trajectories(fm, sampler, rng);
                    float[][] states = traj.states().toArray(new float[0][]);
                    figures.add(figure(folder.resolve("trajectories.png"), p -> Figures.trajectories(p, states,
                            traj.times(), String.format(Locale.ROOT, "%,d trajectories of dx/dt = v(t, x) from t = 0 to t = 1",
                                    trajectories), bounds)));
                    figures.add(figure(folder.resolve("velocity-field.png"), p -> Figures.velocityField(p,
                            new double[] {0, 0.25, 0.5, 0.75, 1}, grid(fm.backend(), vm), bounds,
                            java.util.Arrays.copyOf(target, Math.min(target.length, 2000 * 2)),
                            "Learned velocity field v(t, x)")));
                }
                List<ValidationEnd> evaluations = trained.result().validation();
                double[][] heldOutLosses = evaluations.stream().map(e -> new double[] {e.step(), e.heldOutLoss()})
                        .toArray(double[][]::new);
                double[][] trainLosses = evaluations.stream().map(e -> new double[] {e.step(), e.trainLoss()})
                        .toArray(double[][]::new);
                int kept = trained.info().heldOut() == null ? 0 : trained.info().heldOut().weightsStep();
                figures.add(figure(folder.resolve("loss.png"), p -> Figures.lossCurve(p, trained.result().losses(),
                        heldOutLosses, trainLosses, kept, "Training loss (CFM regression, batch "
                                + trained.info().batch() + ")" + (evaluations.isEmpty() ? ""
                                        : " and the loss on held-out rows"))));

                QualityReport quality = table != null ? null
                        : QualityReport.builder(data, generated).build(rng.split("metrics"));
                TableReport tableReport = null;
                if (table != null) {
                    tableReport = tableReport(prepared, columns, generated, rng.split("metrics"));
                    TableReport report = tableReport;
                    figures.addAll(tableFigures(folder, prepared, columns, generated, report));
                }
                metrics.put("dataset", data.describe());
                metrics.put("source", from.describe());
                metrics.put("seed", fm.config().seed());
                metrics.put("components", fm.components());
                metrics.put("backend", fm.backend().description());
                metrics.put("model", vm.spec().describe());
                metrics.put("optimizer", trained.info().optimizer().describe());
                Map<String, Object> training = new LinkedHashMap<>();
                training.put("steps", trained.info().steps());
                training.put("batch", trained.info().batch());
                training.put("wall_s", trained.result().wallSeconds());
                training.put("median_step_ms", trained.medianStepMillis());
                training.put("final_loss", trained.result().finalLoss());
                if (trained.ema() != null) {
                    training.put("ema_decay", trained.ema().decay());
                }
                Map<String, Object> sampling = new LinkedHashMap<>();
                sampling.put("solver", fm.solver().describe());
                sampling.put("ode_steps", odeSteps);
                sampling.put("samples", samples);
                sampling.put("wall_s", sampleSeconds);
                sampling.put("samples_per_s", samples / sampleSeconds);
                metrics.put("sampling", sampling);
                Map<String, Object> straight = new LinkedHashMap<>();
                int rowsS = Math.min(2_000, samples);
                Straightness st = Straightness.of(vm, java.util.Arrays.copyOf(noise, rowsS * prepared.modelDim()),
                        rowsS, 50);
                straight.put("coupling", fm.component(ComponentKind.COUPLING).name());
                straight.put("transport_cost", Runs.transportCost(fm, prepared, trained.info().batch(),
                        fm.config().seed()));
                straight.put("flow_straightness", st.straightness());
                straight.put("flow_path_energy", st.meanPathEnergy());
                straight.put("trajectories", rowsS);
                metrics.put("straightness", straight);
                training.put("normalization", prepared.normalizer().describe());
                heldOut(trained).ifPresent(h -> training.put("held_out", h));
                metrics.put("training", training);
                if (quality != null) {
                    metrics.put("quality", quality);
                }
                if (tableReport != null) {
                    metrics.put("table", tableReport);
                }
                Optional<ReferenceRecipe.Result> reference = identity && prepared.heldOutCount() == 0
                        ? ReferenceRecipe.matching(fm, data, from, vm.spec(), trained.info().optimizer(),
                                model.training(), odeSteps, samples)
                        : Optional.empty();
                reference.ifPresent(r -> metrics.put("reference", r.json()));
                metrics.put("figures", figures);
                metrics.put("wall_s", (System.nanoTime() - wallStart) / 1e9);
                AtomicFiles.writeString(folder.resolve("metrics.json"), new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics));

                stdout.println();
                stdout.printf(Locale.ROOT, "trained %d steps in %.1f s (median step %.2f ms), final loss %.4f%n",
                        trained.info().steps(), trained.result().wallSeconds(), trained.medianStepMillis(),
                        trained.result().finalLoss());
                stdout.printf(Locale.ROOT, "sampled %d points in %.2f s (%.0f samples/s)%s%n", samples, sampleSeconds,
                        samples / sampleSeconds, trained.ema() == null ? ""
                                : " from the EMA weights (decay " + trained.ema().decay() + ")");
                Runs.heldOutLine(trained).ifPresent(stdout::println);
                if (quality != null) {
                    quality.lines().forEach(stdout::println);
                }
                if (tableReport != null) {
                    tableReport.lines().forEach(stdout::println);
                }
                reference.ifPresent(r -> stdout.println(r.line()));
                stdout.println("wrote " + out.toAbsolutePath() + ": " + String.join(", ", figures)
                        + ", metrics.json, samples.csv, checkpoint/");
                folder.keep();
            }
        }
        stdout.flush();
        return 0;
    }

    /**
     * Arrays of {@code --samples} points the demo holds at once: the target draw, the draw for the
     * figures' bounds, the noise, the generated points, and the metrics' copies of them.
     */
    static final int SAMPLE_COPIES = 8;

    /** Fails before natives load if training, the samples, the pairings or the trajectories cannot fit. */
    private void checkResources(int dim) {
        model.checkResources(dim, components.config().coupling().name());
        ResourceLimits limits = ResourceLimits.ofThisJvm();
        limits.checkPoints(samples, dim, SAMPLE_COPIES, "--samples");
        // the pairings figure holds each pair's path at 41 times, x0 and x1 besides
        limits.checkPoints(pairs, dim, 45, "--pairs");
        // the trajectories figure holds every solver state
        limits.checkPoints(trajectories, dim, odeSteps + 2, "--trajectories");
    }

    /** The share of a table's rows {@code fm demo} holds out unless told otherwise: the memorisation check needs some. */
    static final double TABLE_VALIDATION = 0.2;

    /** Columns in the pair plot: the ones in the most strongly correlated pairs. */
    static final int PAIR_COLUMNS = 4;

    private static TableReport tableReport(TrainingData prepared, List<String> columns, float[] generated, Rng rng) {
        TableReport.Builder b = TableReport.builder(prepared.trainingRows(), prepared.raw().dim())
                .columnNames(columns).generated(generated);
        if (prepared.heldOutCount() > 0) {
            b.heldOut(prepared.heldOutRows());
        }
        return b.build(rng);
    }

    private List<String> tableFigures(OutputFolder folder, TrainingData prepared, List<String> columns,
            float[] generated, TableReport report) throws IOException {
        int dim = prepared.raw().dim();
        List<String> names = report.columns().stream().map(TableReport.Column::name).toList();
        float[] real = prepared.trainingRows();
        int realRows = real.length / dim;
        int genRows = generated.length / dim;
        List<String> out = new ArrayList<>();
        out.add(figure(folder.resolve("columns.png"), p -> TableFigures.columnHistograms(p, real, realRows, generated,
                genRows, dim, names, String.format(Locale.ROOT, "Each column: %,d training rows and %,d generated rows",
                        realRows, genRows))));
        int[] pairColumns = mostCorrelated(report.correlations().realMatrix(), Math.min(PAIR_COLUMNS, dim));
        if (pairColumns.length >= 2) {
            out.add(figure(folder.resolve("pairs.png"), p -> TableFigures.pairPlot(p, real, realRows, generated,
                    genRows, dim, names, pairColumns, "The most correlated columns: training rows and generated rows")));
        }
        out.add(figure(folder.resolve("correlations.png"), p -> TableFigures.correlationDifference(p,
                report.correlations().realMatrix(), report.correlations().generatedMatrix(), names,
                "Correlation of the generated rows minus that of the training rows")));
        return out;
    }

    /**
     * @param corr a correlation matrix, NaN where undefined
     * @param k how many columns
     * @return up to {@code k} columns, taken from the pairs of largest absolute correlation first, in
     *     ascending column order
     */
    static int[] mostCorrelated(double[][] corr, int k) {
        int d = corr.length;
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                if (Double.isFinite(corr[i][j])) {
                    pairs.add(new int[] {i, j});
                }
            }
        }
        pairs.sort((a, b) -> Double.compare(Math.abs(corr[b[0]][b[1]]), Math.abs(corr[a[0]][a[1]])));
        java.util.TreeSet<Integer> chosen = new java.util.TreeSet<>();
        for (int[] p : pairs) {
            if (chosen.size() >= k) {
                break;
            }
            chosen.add(p[0]);
            if (chosen.size() < k) {
                chosen.add(p[1]);
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The held-out numbers of the saved weights, training rows and held-out rows side by side, for metrics.json. */
    private static Optional<Map<String, Object>> heldOut(Runs.Trained trained) {
        CheckpointInfo.HeldOut h = trained.info().heldOut();
        if (h == null) {
            return Optional.empty();
        }
        ValidationEnd v = trained.keptEvaluation();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fraction", h.fraction());
        m.put("rows", h.rows());
        m.put("weights_step", h.weightsStep());
        Validation.Nll exact = trained.exactNll();
        Map<String, Object> train = new LinkedHashMap<>();
        train.put("cfm_loss", v.trainLoss());
        Map<String, Object> held = new LinkedHashMap<>();
        held.put("cfm_loss", v.heldOutLoss());
        if (exact != null) {
            train.put("nll_nats", exact.train());
            held.put("nll_nats", exact.heldOut());
        }
        m.put("training_rows", train);
        m.put("held_out_rows", held);
        m.put("nll", "exact: rk4, " + Runs.VALIDATION_NLL_STEPS + " steps; the evaluations' NLLs use "
                + (trained.info().model().dim() <= Runs.EXACT_NLL_MAX_DIM ? "the exact divergence"
                        : "Hutchinson's estimate with one probe"));
        m.put("evaluations", trained.result().validation());
        return Optional.of(m);
    }

    private Trajectory trajectories(FmRuntime fm, Sampler sampler, Rng rng) {
        Backend backend = fm.backend();
        try (TensorScope scope = backend.openScope()) {
            float[] noise = sampler.noise(trajectories, rng.split("figure-trajectories"));
            Tensor x0 = backend.fromArray(noise, trajectories, noise.length / trajectories);
            Solution s = sampler.solve(x0, SolveOptions.steps(odeSteps).withTrajectory());
            return s.trajectory().orElseThrow();
        }
    }

    /**
     * The pairs' conditional paths for the pairings figure: {@code x_t} at 41 times from 0 to 1, with
     * the same noise at every time for paths that add noise, so each line is one smooth path.
     */
    private float[][] pathStates(FmRuntime fm, float[] x0, float[] x1, Rng rng) {
        Backend backend = fm.backend();
        int points = 41;
        float[][] states = new float[points][];
        long noiseSeed = rng.nextLong();
        try (TensorScope scope = backend.openScope()) {
            // the run's coupling pairs the batch as in training (independent pairs leave it as drawn)
            CoupledBatch pair = fm.coupling().pair(backend.fromArray(x0, pairs, 2), backend.fromArray(x1, pairs, 2),
                    rng.split("coupling"));
            for (int k = 0; k < points; k++) {
                Tensor t = backend.full((double) k / (points - 1), pairs, 1);
                states[k] = fm.path().sample(pair.x0(), pair.x1(), t, Rng.seeded(noiseSeed)).xt().toFloatArray();
            }
        }
        return states;
    }

    private static VelocityGrid grid(Backend backend, VelocityModel model) {
        return (t, xy) -> {
            int m = xy.length / 2;
            try (TensorScope scope = backend.openScope()) {
                return model.velocity(t, backend.fromArray(xy, m, 2).toDType(org.fmjvm.api.DType.FLOAT32))
                        .toDoubleArray();
            }
        };
    }

    @FunctionalInterface
    private interface Render {
        void to(Path file) throws IOException;
    }

    private static String figure(Path file, Render render) throws IOException {
        render.to(file);
        return file.getFileName().toString();
    }
}

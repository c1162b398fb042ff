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
import java.util.concurrent.Callable;

import org.fmjvm.api.Backend;
import org.fmjvm.api.Tensor;
import org.fmjvm.api.TensorScope;
import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.model.VelocityModel;
import org.fmjvm.api.random.Rng;
import org.fmjvm.api.solver.OdeSolver;
import org.fmjvm.api.solver.SolveOptions;
import org.fmjvm.api.spi.ComponentFactory;
import org.fmjvm.api.spi.ComponentKind;
import org.fmjvm.core.ComponentChoice;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmConfig;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.ResourceLimits;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.metrics.QualityReport;
import org.fmjvm.core.metrics.Straightness;
import org.fmjvm.core.normalize.Normalizer;
import org.fmjvm.core.plugin.PluginRegistry;
import org.fmjvm.core.plugin.Plugins;
import org.fmjvm.core.sample.Sampler;
import org.fmjvm.core.train.TrainingData;
import org.fmjvm.examples.figures.Figures;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fm compare}: the solver harness. For one trained model, every solver at several budgets:
 * the quality of its samples (energy distance and sliced W2 against the target, next to their
 * noise floors), the velocity evaluations it actually used and its wall time, as a table, a CSV
 * file and two figures (quality against NFE and against wall time).
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare ODE solvers on one trained model: sample with each solver at several budgets and"
            + " score the samples; print a table and write compare.csv, quality-vs-nfe.png and quality-vs-time.png.",
            "Without --checkpoint it uses demo-out/checkpoint, training the demo's model there first if it is"
                + " missing."})
final class CompareCommand implements Callable<Integer> {

    /** Where the demo writes its checkpoint, used when no --checkpoint is given. */
    static final Path DEMO_CHECKPOINT = Path.of("demo-out", "checkpoint");

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "The model to compare solvers on.")
    Path checkpoint;

    @Option(names = "--dataset", paramLabel = "NAME|FILE.csv",
            description = "The target the samples are scored against (default: the data the checkpoint was trained on).")
    String dataset;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "compare-out",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--solvers", paramLabel = "NAMES", split = ",",
            description = "Solvers to compare, by name (default: every solver fm list shows).")
    List<String> solvers = new ArrayList<>();

    @Option(names = "--nfe", paramLabel = "BUDGETS", split = ",", defaultValue = "1,2,4,8,16,32,64,128",
            description = "Velocity evaluations per sample for fixed-step solvers; a solver whose step needs more than"
                    + " a budget skips it (default: ${DEFAULT-VALUE}).")
    List<Integer> budgets = new ArrayList<>();

    @Option(names = "--rtols", paramLabel = "TOLERANCES", split = ",", defaultValue = "1e-2,1e-3,1e-4,1e-5,1e-6",
            description = "Tolerances (rtol = atol) for adaptive solvers such as dopri5 (default: ${DEFAULT-VALUE}).")
    List<Double> rtols = new ArrayList<>();

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10000",
            description = "Samples per run (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the noise and of the metrics' draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--couplings", paramLabel = "NAMES", split = ",",
            description = "Compare couplings instead of solvers: train one model per coupling (same data, seed and"
                    + " budget) and score Euler sampling at --coupling-nfe; reflow's teacher is this run's independent"
                    + " model (RK4, 25 steps, 65,536 pairs generated once).")
    List<String> couplings = new ArrayList<>();

    @Option(names = "--coupling-nfe", paramLabel = "STEPS", split = ",", defaultValue = "1,2,4,8,100",
            description = "Euler steps at which each coupling's model is scored (default: ${DEFAULT-VALUE}).")
    List<Integer> couplingSteps = new ArrayList<>();

    @Mixin
    ModelOptions model;

    @Mixin
    WeightsOptions weights;

    @Mixin
    BackendOptions backend;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * One run: a solver at one budget.
     *
     * @param solver its name
     * @param setting the budget: {@code steps=K} or {@code rtol=R}
     * @param nfe the velocity evaluations the solve used per sample
     * @param energyDistance the samples' energy distance to the target
     * @param slicedW2 their sliced W2
     * @param seconds the wall time of the solve
     */
    record Row(String solver, String setting, int nfe, double energyDistance, double slicedW2, double seconds) {
    }

    /** Generated points in the data's coordinates and the NFE the solve used. */
    private record Run(float[] points, int nfe, double seconds) {
    }

    @Override
    public Integer call() throws IOException {
        if (samples < 2) {
            throw new ConfigurationException("--samples must be >= 2, got " + samples);
        }
        for (int b : budgets) {
            if (b < 1) {
                throw new ConfigurationException("--nfe budgets must be >= 1, got " + b);
            }
        }
        OutputFolder.check(out, "--out");
        weights.validate();
        PrintWriter stdout = spec.commandLine().getOut();
        if (!couplings.isEmpty()) {
            if (weights.weights != null) {
                throw new ConfigurationException("--weights chooses a checkpoint's weights; --couplings trains its"
                        + " own models and samples the EMA weights when given --ema, else the trained ones");
            }
            return compareCouplings(stdout);
        }
        // before the demo is trained for a missing checkpoint: the demo's data, four-gaussians, is planar
        ResourceLimits.ofThisJvm().checkPoints(samples, checkpoint != null ? Checkpoints.readInfo(checkpoint).dataDim()
                : 2, SAMPLE_COPIES, "--samples");
        Path ck = checkpoint != null ? checkpoint : demoCheckpoint(stdout);
        Checkpoints.Loaded loaded = Runs.load(ck, spec.commandLine().getErr());
        CheckpointInfo info = loaded.info();
        PluginRegistry registry = Plugins.discover();
        if (dataset == null && !Datasets.names(registry).contains(info.data())) {
            throw new ConfigurationException("the checkpoint " + ck + " was trained on a file, which it does not store;"
                    + " pass that file with --dataset FILE.csv to compare against it");
        }
        Dataset target = Datasets.resolve(registry, dataset != null ? dataset : info.data());
        if (target.dim() != info.dataDim()) {
            throw new ConfigurationException("the target " + target.name() + " has dimension " + target.dim()
                    + " but the checkpoint's data has dimension " + info.dataDim());
        }
        WeightsOptions.Chosen chosen = weights.choose(loaded);
        List<Row> rows = new ArrayList<>();
        QualityReport floors = null;
        // the reference draw, directions, noise floors and entropy are the same for every run: computed once
        QualityReport.Scorer scorer = QualityReport.scorer(target, samples, Rng.seeded(seed).split("metrics"));
        try (FmRuntime fm = FlowMatching.bootstrap(FmConfig.defaults().withBackend(backend.choice()).withSeed(seed),
                registry);
                VelocityModel model = fm.loadModel(info.model(), chosen.weights());
                OutputFolder folder = OutputFolder.create(out)) {
            Runs.noteUnknownComponents(ck, info, fm.registry(), spec.commandLine().getErr());
            requireKnown(fm.registry(), ComponentKind.SOLVER, solvers, "--solvers");
            List<String> names = solvers.isEmpty() ? fm.registry().factories(ComponentKind.SOLVER).stream()
                    .map(ComponentFactory::name).toList() : solvers;
            Dataset source = loaded.source();
            float[] noise = new Sampler(model, fm.solver(), TrainingData.modelSource(source, info.normalization()),
                    info.normalization()).noise(samples, Rng.seeded(seed).split("sample"));
            stdout.printf(Locale.ROOT, "%d samples of %s from %s (%s), %s%n", samples, target.name(), ck,
                    chosen.description(), fm.backend().description());
            stdout.printf(Locale.ROOT, "%-13s %-11s %6s %16s %12s %9s%n", "solver", "setting", "NFE",
                    "energy distance", "sliced W2", "seconds");
            stdout.flush();
            for (String name : names) {
                List<ComponentChoice> settings = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                if (SolverOptions.isAdaptive(fm.registry(), name)) {
                    for (double r : rtols) {
                        settings.add(SolverOptions.withTolerances(fm.registry(), ComponentChoice.of(name), r, r));
                        labels.add("rtol=" + r);
                    }
                } else {
                    OdeSolver probe = fm.registry().select(ComponentKind.SOLVER, ComponentChoice.of(name)).create();
                    int perStep = evaluationsPerStep(fm.backend(), model, probe, noise, info.model().dim());
                    for (int budget : budgets) {
                        if (budget >= perStep && budget % perStep == 0) {
                            settings.add(ComponentChoice.of(name));
                            labels.add("steps=" + budget / perStep);
                        }
                    }
                }
                for (int i = 0; i < settings.size(); i++) {
                    OdeSolver solver = fm.registry().select(ComponentKind.SOLVER, settings.get(i)).create();
                    String label = labels.get(i);
                    int steps = label.startsWith("steps=") ? Integer.parseInt(label.substring(6)) : 1;
                    Run run = solve(fm.backend(), model, solver, info, noise, SolveOptions.steps(steps));
                    QualityReport q = scorer.score(run.points());
                    floors = q;
                    Row row = new Row(name, label, run.nfe(), q.energyDistance(), q.slicedW2(), run.seconds());
                    rows.add(row);
                    stdout.printf(Locale.ROOT, "%-13s %-11s %6d %16.5f %12.4f %9.3f%n", name, label, run.nfe(),
                            row.energyDistance(), row.slicedW2(), run.seconds());
                    stdout.flush();
                }
            }
            if (rows.isEmpty()) {
                throw new ConfigurationException("no solver fits any --nfe budget; give budgets that are multiples of"
                        + " the solvers' evaluations per step (e.g. 4, 8, 16 for rk4)");
            }
            stdout.printf(Locale.ROOT, "noise floors: energy distance %.5f +- %.5f, sliced W2 %.4f +- %.4f%n",
                    floors.energyDistanceFloor().mean(), floors.energyDistanceFloor().sd(),
                    floors.slicedW2Floor().mean(), floors.slicedW2Floor().sd());
            writeCsv(folder.resolve("compare.csv"), rows);
            Map<String, double[][]> byNfe = series(rows, false);
            Map<String, double[][]> byTime = series(rows, true);
            QualityReport.NoiseFloor f = floors.energyDistanceFloor();
            double low = extreme(f, false);
            double high = extreme(f, true);
            String title = String.format(Locale.ROOT, "Energy distance of %,d samples against %s", samples,
                    target.name());
            Figures.qualityVs(folder.resolve("quality-vs-nfe.png"), byNfe, f.mean(), low, high,
                    "NFE (velocity evaluations per sample)", "energy distance D\u00b2", title);
            Figures.qualityVs(folder.resolve("quality-vs-time.png"), byTime, f.mean(), low, high,
                    "wall time to sample (s)", "energy distance D\u00b2", title);
            stdout.println("wrote " + out.toAbsolutePath() + ": compare.csv, quality-vs-nfe.png, quality-vs-time.png");
            folder.keep();
        }
        stdout.flush();
        return 0;
    }

    /** @return the largest or smallest of the floor's repeats: the band the figures draw */
    private static double extreme(QualityReport.NoiseFloor f, boolean largest) {
        java.util.DoubleSummaryStatistics stats = f.repeats().stream().mapToDouble(Double::doubleValue)
                .summaryStatistics();
        return f.repeats().isEmpty() ? f.mean() : largest ? stats.getMax() : stats.getMin();
    }

    /** Refuses an unknown name before any work starts, listing the known ones. */
    private static void requireKnown(PluginRegistry registry, ComponentKind<?> kind, List<String> names,
            String option) {
        List<String> known = registry.factories(kind).stream().map(ComponentFactory::name).sorted().toList();
        for (String n : names) {
            if (!known.contains(n)) {
                throw new ConfigurationException(option + ": unknown " + kind.id() + " '" + n + "'; known: " + known);
            }
        }
    }

    /** One coupling's model scored at one Euler budget. */
    record CouplingRow(String coupling, int steps, double energyDistance, double slicedW2, double transportCost,
            double straightness) {
    }

    /**
     * Arrays of {@code --samples} points held at once: the noise, a run's points, the scorer's
     * reference draw and noise-floor draws, and their float64 copies.
     */
    static final int SAMPLE_COPIES = 8;

    /** The teacher's RK4 steps when reflow is compared. */
    static final int REFLOW_TEACHER_STEPS = 25;
    /** Teacher pairs generated once and drawn from when reflow is compared. */
    static final int REFLOW_PAIRS = 65_536;

    /** Trajectories (and RK4 steps) over which each coupling's flow straightness is measured. */
    static final int STRAIGHTNESS_ROWS = 2_000;
    static final int STRAIGHTNESS_STEPS = 50;

    /**
     * Trains one model per coupling on the same data, seed and budget, and scores Euler sampling at
     * each budget: energy distance and sliced W2 against the target, and the coupling's mean
     * transport cost {@code mean |x1 - x0|^2} over a training-sized batch.
     */
    private int compareCouplings(PrintWriter stdout) throws IOException {
        model.validate();
        for (int k : couplingSteps) {
            if (k < 1) {
                throw new ConfigurationException("--coupling-nfe steps must be >= 1, got " + k);
            }
        }
        Dataset data = Datasets.resolve(dataset != null ? dataset : Datasets.FOUR_GAUSSIANS);
        requireKnown(Plugins.discover(), ComponentKind.COUPLING, couplings, "--couplings");
        ResourceLimits.ofThisJvm().checkPoints(samples, data.dim(), SAMPLE_COPIES, "--samples");
        for (String name : couplings) {
            model.checkResources(data.dim(), name);
        }
        List<String> order = new ArrayList<>(couplings);
        if (order.contains("reflow") && !order.contains("independent")) {
            order.add(0, "independent");
        }
        order.sort((a, b) -> Boolean.compare(a.equals("reflow"), b.equals("reflow")));
        List<CouplingRow> rows = new ArrayList<>();
        QualityReport floors = null;
        QualityReport.Scorer scorer = QualityReport.scorer(data, samples, Rng.seeded(seed).split("metrics"));
        try (OutputFolder folder = OutputFolder.create(out)) {
            Path teacher = null;
            stdout.printf(Locale.ROOT, "%-20s %6s %16s %12s %16s %14s%n", "coupling", "steps", "energy distance",
                    "sliced W2", "transport cost", "straightness");
            for (String name : order) {
                List<String> params = name.equals("reflow") ? List.of("teacher=" + teacher, "method=rk4", "steps="
                        + REFLOW_TEACHER_STEPS, "pairs=" + REFLOW_PAIRS) : List.of();
                FmConfig config = FmConfig.defaults().withBackend(backend.choice()).withSeed(seed)
                        .withCoupling(ComponentChoice.parse(name, params, "--couplings"));
                try (FmRuntime fm = FlowMatching.bootstrap(config)) {
                    TrainingData prepared = TrainingData.prepare(data, new GaussianSource(data.dim()),
                            Normalizer.Kind.NONE, java.util.Set.of(), 0, seed);
                    try (Runs.Trained trained = Runs.train(fm, prepared, data.name(), GaussianSource.NAME, model,
                            new DataOptions(), false)) {
                        Path ck = folder.resolve(name).resolve("checkpoint");
                        Checkpoints.save(ck, trained.info(), trained.weights(), trained.ema());
                        if (name.equals("independent")) {
                            teacher = ck.toAbsolutePath();
                        }
                        double cost = Runs.transportCost(fm, prepared, trained.info().batch(), seed);
                        Sampler sampler = new Sampler(trained.model(), fm.solver(), prepared.source());
                        float[] noise = sampler.noise(samples, Rng.seeded(seed).split("sample"));
                        int rowsS = Math.min(STRAIGHTNESS_ROWS, samples);
                        double straight = Straightness.of(trained.model(), java.util.Arrays.copyOf(noise,
                                rowsS * prepared.modelDim()), rowsS, STRAIGHTNESS_STEPS).straightness();
                        OdeSolver euler = fm.registry().select(ComponentKind.SOLVER, ComponentChoice.of("euler"))
                                .create();
                        for (int k : couplingSteps) {
                            float[] generated = new Sampler(trained.model(), euler, prepared.source())
                                    .generate(noise, samples, SolveOptions.steps(k));
                            QualityReport q = scorer.score(generated);
                            floors = q;
                            CouplingRow row = new CouplingRow(name, k, q.energyDistance(), q.slicedW2(), cost,
                                    straight);
                            rows.add(row);
                            stdout.printf(Locale.ROOT, "%-20s %6d %16.5f %12.4f %16.4f %14.4f%n", name, k,
                                    row.energyDistance(), row.slicedW2(), cost, straight);
                            stdout.flush();
                        }
                    }
                }
            }
            StringBuilder sb = new StringBuilder(
                    "coupling,euler_steps,energy_distance,sliced_w2,transport_cost,straightness\n");
            Map<String, List<double[]>> grouped = new LinkedHashMap<>();
            for (CouplingRow r : rows) {
                sb.append(String.format(Locale.ROOT, "%s,%d,%.8g,%.8g,%.8g,%.8g%n", r.coupling(), r.steps(),
                        r.energyDistance(), r.slicedW2(), r.transportCost(), r.straightness()));
                grouped.computeIfAbsent(r.coupling(), c -> new ArrayList<>())
                        .add(new double[] {r.steps(), r.energyDistance()});
            }
            AtomicFiles.writeString(folder.resolve("couplings.csv"), sb.toString());
            Map<String, double[][]> series = new LinkedHashMap<>();
            grouped.forEach((c, v) -> series.put(c, v.toArray(new double[0][])));
            QualityReport.NoiseFloor f = floors.energyDistanceFloor();
            double low = extreme(f, false);
            double high = extreme(f, true);
            Figures.qualityVs(folder.resolve("couplings-vs-nfe.png"), series, f.mean(), low, high,
                    "Euler steps (NFE per sample)", "energy distance D\u00b2", String.format(Locale.ROOT,
                            "Energy distance of %,d samples, one model per coupling", samples));
            stdout.printf(Locale.ROOT, "noise floor: energy distance %.5f +- %.5f%n", f.mean(), f.sd());
            stdout.println("wrote " + out.toAbsolutePath() + ": couplings.csv, couplings-vs-nfe.png, <coupling>/checkpoint");
            folder.keep();
        }
        stdout.flush();
        return 0;
    }

    /** The velocity evaluations one step of a fixed-step solver takes, from a one-step solve of two points. */
    private static int evaluationsPerStep(Backend backend, VelocityModel model, OdeSolver solver, float[] noise,
            int dim) {
        try (TensorScope scope = backend.openScope()) {
            Tensor x = backend.fromArray(java.util.Arrays.copyOf(noise, 2 * dim), 2, dim);
            return solver.solve(model::velocity, x, SolveOptions.steps(1)).nfe();
        }
    }

    /** Integrates every noise point in one solve and maps the results to the data's coordinates. */
    private Run solve(Backend backend, VelocityModel model, OdeSolver solver, CheckpointInfo info, float[] noise,
            SolveOptions options) {
        int dim = info.model().dim();
        try (TensorScope scope = backend.openScope()) {
            Tensor x = backend.fromArray(noise, samples, dim);
            long start = System.nanoTime();
            org.fmjvm.api.solver.Solution s = solver.solve(model::velocity, x, options);
            float[] z = s.x().toFloatArray();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Run(info.normalization().toData(z, samples), s.nfe(), seconds);
        }
    }

    private static Map<String, double[][]> series(List<Row> rows, boolean byTime) {
        Map<String, List<double[]>> grouped = new LinkedHashMap<>();
        for (Row r : rows) {
            grouped.computeIfAbsent(r.solver(), k -> new ArrayList<>())
                    .add(new double[] {byTime ? Math.max(r.seconds(), 1e-6) : r.nfe(), r.energyDistance()});
        }
        Map<String, double[][]> out = new LinkedHashMap<>();
        grouped.forEach((k, v) -> out.put(k, v.toArray(new double[0][])));
        return out;
    }

    private static void writeCsv(Path file, List<Row> rows) throws IOException {
        StringBuilder sb = new StringBuilder("solver,setting,nfe,energy_distance,sliced_w2,wall_s\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%.8g,%.8g,%.6g%n", r.solver(), r.setting(), r.nfe(),
                    r.energyDistance(), r.slicedW2(), r.seconds()));
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** The demo's checkpoint, trained by running {@code fm demo} first when it is missing. */
    private Path demoCheckpoint(PrintWriter stdout) {
        if (Files.exists(DEMO_CHECKPOINT.resolve(Checkpoints.INFO_FILE))) {
            return DEMO_CHECKPOINT;
        }
        stdout.println("no --checkpoint and no " + DEMO_CHECKPOINT + ": running fm demo first");
        stdout.flush();
        int code = backend.name == null ? FmCommand.commandLine().execute("demo")
                : FmCommand.commandLine().execute("demo", "--backend", backend.name);
        if (code != 0) {
            throw new ConfigurationException("fm demo failed (exit code " + code + "); train a model with fm train and"
                    + " pass it with --checkpoint");
        }
        return DEMO_CHECKPOINT;
    }
}

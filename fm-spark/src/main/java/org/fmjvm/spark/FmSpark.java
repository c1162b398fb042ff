package org.fmjvm.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.FlowMatchingException;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.normalize.Normalizer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fm-spark}: sampling and scoring on Apache Spark. Embedded ({@code local[*]}) by default; under
 * {@code spark-submit} the master comes from the submission unless {@code --master} is given.
 */
@Command(name = "fm-spark", mixinStandardHelpOptions = true, subcommands = {FmSpark.Sample.class, FmSpark.Score.class, FmSpark.Train.class},
        description = "Flow matching on Apache Spark: sample a checkpoint into Parquet or CSV, score a table, or train"
            + " data-parallel.")
public final class FmSpark {

    private FmSpark() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        int code = commandLine().execute(args);
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.exit(code);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(FmSpark.class);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = e;
            while (!(t instanceof FlowMatchingException) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            cmd.getErr().println("fm-spark " + cmd.getCommandName() + ": "
                    + (t instanceof FlowMatchingException ? t.getMessage() : e.toString()));
            return t instanceof FlowMatchingException ? 2 : 1;
        });
        return cl;
    }

    /** Options shared by both commands: the checkpoint, the cluster and the numerical engine. */
    static final class Common {
        @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A folder written by fm train.")
        Path checkpoint;

        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master (default: spark-submit's, else local[*]), e.g. local[2], spark://host:7077.")
        String master;

        @Option(names = "--backend", paramLabel = "NAME", description = "Backend on the executors: djl or tf (default: djl).")
        String backend;

        @Option(names = "--backend-param", paramLabel = "KEY=VALUE", description = "Backend parameter, repeatable.")
        List<String> backendParams = new ArrayList<>();

        @Option(names = "--solver-param", paramLabel = "KEY=VALUE", description = "Solver parameter, repeatable.")
        List<String> solverParams = new ArrayList<>();

        @Option(names = "--rtol", paramLabel = "R", defaultValue = "1e-5",
                description = "Relative tolerance of an adaptive solver (default: ${DEFAULT-VALUE}).")
        double rtol;

        @Option(names = "--atol", paramLabel = "A", defaultValue = "1e-5",
                description = "Absolute tolerance of an adaptive solver (default: ${DEFAULT-VALUE}).")
        double atol;

        SparkSession session(String app) {
            return FmSpark.session(master, app);
        }

        FlowOptions options(String solver, int steps) {
            return new FlowOptions(backend, pairs(backendParams, "--backend-param"), solver,
                    pairs(solverParams, "--solver-param"), steps, rtol, atol);
        }

        static Map<String, String> pairs(List<String> list, String what) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String pair : list) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigurationException(what + " expects key=value, got '" + pair + "'");
                }
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
            return out;
        }
    }

    /** The session of {@code master}, else spark-submit's, else {@code local[*]}. */
    static SparkSession session(String master, String app) {
        SparkSession.Builder b = SparkSession.builder().appName(app);
        if (master != null) {
            b = b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b = b.master("local[*]");
        }
        return b.getOrCreate();
    }

    enum Format { PARQUET, CSV }

    static void write(Dataset<Row> rows, Format format, Path out) {
        DataFrameWriter<Row> w = rows.write();
        if (format == Format.CSV) {
            w.option("header", "true").csv(out.toString());
        } else {
            w.parquet(out.toString());
        }
    }

    /** {@code fm-spark sample}. */
    @Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Generate points from a checkpoint on Spark and write them as Parquet (default) or CSV,"
                + " one column per dimension (the checkpoint's column names, else x1..xD).",
                "Partition p of P draws n / P points (one more for p < n % P) with a seed derived from (seed, p):"
                + " the same --seed and --partitions give the same rows, and a retried task rewrites its own."})
    static final class Sample implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must not exist).")
        Path out;

        @Option(names = "--n", paramLabel = "N", defaultValue = "10000", description = "Points (default: ${DEFAULT-VALUE}).")
        long n;

        @Option(names = "--partitions", paramLabel = "P",
                description = "Partitions (default: the cluster's default parallelism); the output depends on it.")
        Integer partitions;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--solver", paramLabel = "NAME", defaultValue = "euler", description = "Solver (default: ${DEFAULT-VALUE}).")
        String solver;

        @Option(names = "--ode-steps", paramLabel = "K", defaultValue = "100", description = "Solver steps (default: ${DEFAULT-VALUE}).")
        int odeSteps;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet",
                description = "parquet or csv (default: ${DEFAULT-VALUE}).")
        String format;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Format f = format(format);
            FlowOptions options = common.options(solver, odeSteps);
            CheckpointImage image = CheckpointImage.of(common.checkpoint);
            SparkSession spark = common.session("fm-spark sample");
            int p = partitions != null ? partitions : spark.sparkContext().defaultParallelism();
            long start = System.nanoTime();
            write(SparkSampler.sample(spark, image, n, p, seed, options), f, out);
            double seconds = (System.nanoTime() - start) / 1e9;
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf(Locale.ROOT, "wrote %d points to %s (%s, %d partitions, seed %d, %s %d steps, %.2f s, %.0f"
                    + " samples/s)%n", n, out, f.name().toLowerCase(Locale.ROOT), p, seed, solver, odeSteps, seconds,
                    n / seconds);
            stdout.flush();
            return 0;
        }
    }

    /** {@code fm-spark score}. */
    @Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Score a table under a checkpoint's flow on Spark: append each row's log density in nats"
                + " (column log_density; exact divergence, as fm likelihood) and write Parquet (default) or CSV."})
    static final class Score implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--input", required = true, paramLabel = "FILE.parquet|FILE.csv|DIR",
                description = "The rows: Parquet (a file or folder) or a CSV file (with or without a header line).")
        Path input;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must not exist).")
        Path out;

        @Option(names = "--input-cols", split = ",", paramLabel = "A,B,...",
                description = "The coordinates' columns (default: the checkpoint's column names, else x1..xD).")
        List<String> inputCols;

        @Option(names = "--output-col", paramLabel = "NAME", defaultValue = FlowScorer.OUTPUT,
                description = "The added column (default: ${DEFAULT-VALUE}).")
        String outputCol;

        @Option(names = "--solver", paramLabel = "NAME", defaultValue = "rk4", description = "Solver (default: ${DEFAULT-VALUE}).")
        String solver;

        @Option(names = "--ode-steps", paramLabel = "K", defaultValue = "20", description = "Solver steps (default: ${DEFAULT-VALUE}).")
        int odeSteps;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet",
                description = "parquet or csv (default: ${DEFAULT-VALUE}).")
        String format;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Format f = format(format);
            FlowOptions options = common.options(solver, odeSteps);
            CheckpointImage image = CheckpointImage.of(common.checkpoint);
            SparkSession spark = common.session("fm-spark score");
            Dataset<Row> df = read(spark, input, image);
            List<String> cols = inputCols != null ? inputCols : image.columns();
            long start = System.nanoTime();
            Dataset<Row> scored = FlowScorer.logLikelihood(df, image, options, cols, outputCol);
            write(scored, f, out);
            double seconds = (System.nanoTime() - start) / 1e9;
            long rows = spark.read().format(f.name().toLowerCase(Locale.ROOT)).option("header", "true")
                    .load(out.toString()).count();
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf(Locale.ROOT, "scored %d rows of %s into %s (%s %d steps, exact divergence, %.2f s, %.0f"
                    + " rows/s)%n", rows, input, out, solver, odeSteps, seconds, rows / seconds);
            stdout.flush();
            return 0;
        }
    }

    /** {@code fm-spark train}. */
    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train data-parallel in one barrier stage of --workers tasks (local SGD): every worker"
                + " starts from the same weights, draws batch / workers pairs per step with its own seed, and every"
                + " --sync-every steps all workers average their weights and Adam moments and continue from the"
                + " average. Writes one checkpoint that fm sample reads.",
                "A table (CSV or Parquet) is normalised over all its rows on the driver, as fm train would, and its"
                + " rows are dealt to the workers by row number; each worker trains on its own rows only.",
                "The same --seed and --workers give bitwise the same weights, also when Spark retries a failed"
                + " task; the cluster must run --workers tasks at once."})
    static final class Train implements Callable<Integer> {
        @Option(names = "--dataset", required = true, paramLabel = "NAME|FILE", description = "A built-in data set"
                + " (e.g. four-gaussians), a CSV file in fm train's format, or Parquet (a file or a folder) of"
                + " numeric columns.")
        String dataset;

        @Option(names = "--normalize", paramLabel = "KIND", description = "Column scaling of a table, fitted over all"
                + " its rows, stored in the checkpoint and undone when sampling: standard, minmax, quantile or none"
                + " (default: standard for a table; a built-in data set is used as it is).")
        String normalize;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint folder.")
        Path out;

        @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "Barrier tasks (default:"
                + " ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--sync-every", paramLabel = "K", defaultValue = "10", description = "Steps between averagings"
                + " (default: ${DEFAULT-VALUE}).")
        int syncEvery;

        @Option(names = "--steps", paramLabel = "N", defaultValue = "5000", description = "Training steps (default:"
                + " ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "256", description = "Pairs per step over all"
                + " workers, a multiple of --workers (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3", description = "Adam learning rate"
                + " (default: ${DEFAULT-VALUE}).")
        double lr;

        @Option(names = "--lr-schedule", paramLabel = "KIND", defaultValue = "cosine", description = "constant, cosine"
                + " (to 0) or cosine:F (default: ${DEFAULT-VALUE}).")
        String lrSchedule;

        @Option(names = "--hidden", paramLabel = "WIDTHS", split = ",", hideParamSyntax = true,
                defaultValue = "256,256,256", description = "Hidden widths of the MLP (default: ${DEFAULT-VALUE}).")
        List<Integer> hidden = new ArrayList<>();

        @Option(names = "--activation", paramLabel = "NAME", defaultValue = "silu", description = "silu, relu, tanh,"
                + " softplus (default: ${DEFAULT-VALUE}).")
        String activation;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master (default: spark-submit's, else local[*]), e.g. local[2], spark://host:7077.")
        String master;

        @Option(names = "--backend", paramLabel = "NAME", description = "Backend on the executors: djl or tf (default: djl).")
        String backend;

        @Option(names = "--backend-param", paramLabel = "KEY=VALUE", description = "Backend parameter, repeatable.")
        List<String> backendParams = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SparkTrainer.Recipe recipe = new SparkTrainer.Recipe(hidden, activation, lr, lrSchedule, steps, batch, seed,
                    backend, Common.pairs(backendParams, "--backend-param"));
            Normalizer.Kind kind = normalize == null ? Normalizer.Kind.STANDARD : Normalizer.Kind.parse(normalize);
            boolean builtIn = isBuiltIn(dataset);
            if (builtIn && kind != Normalizer.Kind.NONE && normalize != null) {
                throw new ConfigurationException("--normalize " + normalize + " applies to a table; fm-spark train uses"
                        + " the built-in data set " + dataset + " as it is (drop --normalize, or train on a CSV file)");
            }
            if (!builtIn) {
                TrainingTable.requireExists(Path.of(dataset));
            }
            SparkSession spark = session(master, "fm-spark train");
            SparkTrainer.Result r;
            String what;
            if (builtIn) {
                what = dataset.strip().toLowerCase(Locale.ROOT);
                r = SparkTrainer.train(spark, recipe, what, workers, syncEvery);
            } else {
                try (TrainingTable table = TrainingTable.read(spark, Path.of(dataset), kind)) {
                    r = SparkTrainer.train(spark, recipe, table, workers, syncEvery);
                    what = table.describe() + ", " + r.taskRows().stream().mapToInt(Integer::intValue).min()
                            .orElseThrow() + "-" + r.taskRows().stream().mapToInt(Integer::intValue).max()
                            .orElseThrow() + " rows per worker";
                }
            }
            r.save(out);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf(Locale.ROOT, "trained %s on %d workers (%d steps, batch %d = %d x %d, averaging every %d"
                    + " steps, final loss %.4f, %.2f s); checkpoint in %s%n", what, workers, steps, batch, workers,
                    batch / workers, syncEvery, r.finalLoss(), r.wallSeconds(), out);
            stdout.flush();
            return 0;
        }

        /** As {@code fm train} resolves it: a name ending in .csv is a file, else a built-in name wins. */
        private static boolean isBuiltIn(String value) {
            String s = value.strip().toLowerCase(Locale.ROOT);
            return !s.endsWith(".csv") && !s.endsWith(".parquet") && Datasets.names().contains(s);
        }
    }

    static Format format(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "parquet" -> Format.PARQUET;
            case "csv" -> Format.CSV;
            default -> throw new ConfigurationException("--format must be parquet or csv, got '" + name + "'");
        };
    }

    /** @return the CSV file itself, the first CSV file of a folder of them, or null for Parquet */
    private static Path firstCsv(Path input) throws IOException {
        if (input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return input;
        }
        if (!Files.isDirectory(input)) {
            return null;
        }
        try (java.util.stream.Stream<Path> list = Files.list(input)) {
            return list.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
                    && !f.getFileName().toString().startsWith(".")).sorted().findFirst().orElse(null);
        }
    }

    /**
     * Reads Parquet, or a CSV file (or folder of them): a first line that is not all numbers is its header; without one
     * the columns are named after the checkpoint's (or {@code x1..xD}).
     */
    static Dataset<Row> read(SparkSession spark, Path input, CheckpointImage image) throws IOException {
        Path firstCsv = firstCsv(input);
        if (firstCsv == null) {
            return spark.read().parquet(input.toString());
        }
        String first;
        try (BufferedReader r = Files.newBufferedReader(firstCsv, StandardCharsets.UTF_8)) {
            first = r.readLine();
        }
        if (first == null) {
            throw new ConfigurationException(firstCsv + " is empty");
        }
        String[] cells = first.split(",", -1);
        boolean header = false;
        for (String c : cells) {
            try {
                Double.parseDouble(c.strip());
            } catch (NumberFormatException e) {
                header = true;
            }
        }
        List<String> names = header ? List.of(cells) : cells.length == image.dataDim() ? image.columns()
                : CheckpointImage.defaultNames(cells.length);
        StructType schema = new StructType();
        for (String c : names) {
            schema = schema.add(c.strip(), DataTypes.DoubleType, true);
        }
        return spark.read().option("header", String.valueOf(header)).option("mode", "FAILFAST").schema(schema)
                .csv(input.toString());
    }
}

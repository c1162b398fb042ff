package org.fmjvm.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.CheckpointException;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.Hashes;
import org.fmjvm.core.io.OutputPaths;
import org.fmjvm.core.io.Snippets;
import org.fmjvm.core.train.TrainingData;
import org.fmjvm.core.train.TrainingState;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fm train}: trains a velocity model on a data set and saves a checkpoint folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a flow-matching model on a named data set or a CSV of points; save a checkpoint.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--dataset", paramLabel = "NAME|FILE.csv",
            description = "A data set by name (see fm list) or a CSV file of points, one per line (required unless"
                    + " --resume).")
    String dataset;

    @Option(names = "--source", paramLabel = "NAME|FILE.csv", defaultValue = GaussianSource.NAME,
            description = "Where x0 comes from: ${DEFAULT-VALUE} (default) or a data set, for a flow between two"
                    + " distributions.")
    String source;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Checkpoint folder to write (checkpoint.json and the files it names; required unless"
                    + " --resume).")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
            description = "Also save a resumable checkpoint to --out after every N steps (default 0: only at the end);"
                    + " continue a run that was stopped with fm train --resume DIR.")
    int checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run whose resumable checkpoint is in DIR, with the options it started with,"
                    + " writing to DIR; the result is bit for bit the uninterrupted run's.")
    Path resume;

    @Mixin
    ComponentOptions components;

    @Mixin
    ModelOptions model;

    @Mixin
    DataOptions dataOptions;

    /** Not an option of training: caught only to say where it belongs. */
    @Option(names = {"--solver", "--solver-param"}, hidden = true, paramLabel = "VALUE")
    String solver;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (solver != null) {
            throw new ConfigurationException("fm train takes no --solver: a checkpoint holds the velocity model, and"
                    + " the solver is chosen when sampling (fm sample --checkpoint DIR --solver NAME)");
        }
        if (resume != null) {
            return resume();
        }
        if (dataset == null || out == null) {
            throw new ConfigurationException("fm train needs --dataset NAME|FILE.csv and --out DIR (or --resume DIR to"
                    + " continue a stopped run)");
        }
        if (checkpointEvery < 0) {
            throw new ConfigurationException("--checkpoint-every must be >= 0 steps (0: only at the end), got "
                    + checkpointEvery);
        }
        model.validate();
        dataOptions.validate(0);
        Runs.requireCheckpointTarget(out);
        OutputPaths.requireWritableFolder(out, "--out");
        Dataset data = Datasets.resolve(dataset);
        model.checkResources(data.dim(), components.config().coupling().name());
        Dataset from = Datasets.source(source, data.dim());
        return run(data, from, runRecord(data, from), null);
    }

    /**
     * Trains, saving to {@code out}: periodically when asked, and at the end.
     *
     * @param data the data set
     * @param from the source
     * @param record how to rebuild the run, stored with periodic checkpoints
     * @param resumed the checkpoint to continue from, or {@code null}
     */
    private int run(Dataset data, Dataset from, ObjectNode record, Checkpoints.Loaded resumed) {
        TrainingData prepared = dataOptions.prepare(data, from, 0, components.config().seed());
        PrintWriter stdout = spec.commandLine().getOut();
        boolean existed = java.nio.file.Files.exists(out);
        // the lock first: a second writer of this folder fails at once, before natives load
        try (Checkpoints.Writer writer = Checkpoints.open(out, "fm train");
                FmRuntime fm = FlowMatching.bootstrap(components.config())) {
            stdout.println(fm.trainingSummary());
            stdout.println("data: " + prepared.data().describe() + (prepared.heldOutCount() > 0
                    ? "; " + prepared.heldOutCount() + " rows held out" : ""));
            if (resumed != null) {
                stdout.println("resuming from step " + resumed.info().steps() + " of " + model.training().steps());
            }
            stdout.flush();
            Checkpoints.SourceRows sourceRows = Runs.storedSource(from);
            TrainingState state = resumed == null ? null : TrainingState.fromJson(
                    resumed.resume().json().get("trainer"), resumed.resume().tensors(),
                    out.resolve(Checkpoints.INFO_FILE).toString());
            Runs.Snapshots snapshots = new Runs.Snapshots(checkpointEvery, writer, sourceRows, record, state,
                    resumed == null ? null : resumed.weights());
            try (Runs.Trained trained = Runs.train(fm, prepared, dataset, source, model, dataOptions,
                    dataOptions.keepBest(false), snapshots)) {
                writer.save(trained.info(), trained.weights(), trained.ema(), sourceRows, null);
                stdout.printf(Locale.ROOT, "trained %s on %s: %d steps of batch %d in %.1f s (median step %.2f ms),"
                        + " final loss %.4f%n", trained.model().spec().describe(), data.describe(),
                        trained.info().steps(), trained.info().batch(), trained.result().wallSeconds(),
                        trained.medianStepMillis(), trained.result().finalLoss());
                Runs.heldOutLine(trained).ifPresent(stdout::println);
                Runs.weightsLine(trained).ifPresent(stdout::println);
                stdout.println("checkpoint: " + out.toAbsolutePath());
            }
        } catch (RuntimeException e) {
            if (!existed) {
                Runs.removeUnfinished(out);
            }
            throw e;
        }
        stdout.flush();
        return 0;
    }

    /**
     * What {@code --resume} needs to rebuild this run: its arguments (without {@code --out}), the
     * data and source as absolute paths when they are files, and the files' SHA-256.
     */
    private ObjectNode runRecord(Dataset data, Dataset from) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        ArrayNode args = record.putArray("arguments");
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int start = original.indexOf(spec.name()) + 1; // after "train" when run under fm
        for (int i = start; i < original.size(); i++) {
            String a = original.get(i);
            if (a.equals("--out")) {
                i++;
            } else if (!a.startsWith("--out=")) {
                args.add(a);
            }
        }
        record.put("dataset", data instanceof CsvDataset csv ? csv.file().toAbsolutePath().toString() : dataset);
        if (data instanceof CsvDataset csv) {
            record.put("datasetSha256", Hashes.sha256Hex(csv.file()));
        }
        record.put("source", from instanceof CsvDataset csv ? csv.file().toAbsolutePath().toString() : source);
        return record;
    }

    /** {@code --resume DIR}: rebuilds the run from the checkpoint's record and continues it. */
    private int resume() {
        List<String> given = spec.commandLine().getParseResult().originalArgs();
        long options = given.stream().filter(a -> a.startsWith("--")).count();
        if (options > 1) {
            throw new ConfigurationException("fm train --resume DIR takes no other options: the run continues with the"
                    + " options it started with");
        }
        Checkpoints.Loaded loaded = Runs.load(resume, spec.commandLine().getErr());
        if (loaded.resume() == null) {
            throw new ConfigurationException(resume + " holds a finished run (or one saved without --checkpoint-every):"
                    + " there is nothing to resume; sample from it with fm sample --checkpoint " + resume);
        }
        ObjectNode record = loaded.resume().json();
        String where = resume.resolve(Checkpoints.INFO_FILE).toString();
        TrainCommand original = new TrainCommand();
        CommandLine cl = new CommandLine(original);
        List<String> args = new ArrayList<>();
        JsonNode stored = record.get("arguments");
        if (stored == null || !stored.isArray() || record.path("trainer").isMissingNode()
                || !record.path("dataset").isTextual() || !record.path("source").isTextual()) {
            throw new CheckpointException(where + ": the resume record is incomplete; the file is damaged");
        }
        stored.forEach(a -> args.add(a.asText()));
        args.add("--out");
        args.add(resume.toString());
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new CheckpointException(where + ": the stored arguments no longer parse ("
                    + Snippets.excerpt(e.getMessage(), 200) + "); resume with the fm version that started the run", e);
        }
        original.spec = cl.getCommandSpec();
        original.spec.commandLine().setOut(spec.commandLine().getOut()).setErr(spec.commandLine().getErr());
        original.dataset = record.get("dataset").asText();
        original.source = record.get("source").asText();
        original.model.validate();
        original.dataOptions.validate(0);
        Dataset data = Datasets.resolve(original.dataset);
        if (data instanceof CsvDataset csv) {
            String now = Hashes.sha256Hex(csv.file());
            if (!now.equals(record.path("datasetSha256").asText())) {
                throw new ConfigurationException(original.dataset + " has changed since the run started (its SHA-256"
                        + " differs from the one in " + where + "); resuming needs the same data: put the original"
                        + " file back, or start a new run");
            }
        }
        Dataset from = loaded.source();
        if (loaded.sourceRows() == null) {
            from = Datasets.source(original.source, data.dim());
        }
        return original.run(data, from, record, loaded);
    }
}

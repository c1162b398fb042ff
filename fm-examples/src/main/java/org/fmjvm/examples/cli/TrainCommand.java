package org.fmjvm.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.core.FlowMatching;
import org.fmjvm.core.FmRuntime;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.Dataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.io.OutputPaths;
import org.fmjvm.core.train.TrainingData;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fm train}: trains a velocity model on a data set and saves a checkpoint folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a flow-matching model on a built-in data set or a CSV of points; save a checkpoint.")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, paramLabel = "NAME|FILE.csv",
            description = "A built-in data set (see fm list) or a CSV file of points, one per line.")
    String dataset;

    @Option(names = "--source", paramLabel = "NAME|FILE.csv", defaultValue = GaussianSource.NAME,
            description = "Where x0 comes from: ${DEFAULT-VALUE} (default) or a data set, for a flow between two"
                    + " distributions.")
    String source;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Checkpoint folder to write (model.safetensors + checkpoint.json).")
    Path out;

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
        model.validate();
        dataOptions.validate(0);
        Runs.requireCheckpointTarget(out);
        OutputPaths.requireWritableFolder(out, "--out");
        Dataset data = Datasets.resolve(dataset);
        model.checkResources(data.dim(), components.config().coupling().name());
        Dataset from = Datasets.source(source, data.dim());
        TrainingData prepared = dataOptions.prepare(data, from, 0, components.config().seed());
        PrintWriter stdout = spec.commandLine().getOut();
        try (FmRuntime fm = FlowMatching.bootstrap(components.config())) {
            stdout.println(fm.trainingSummary());
            stdout.println("data: " + prepared.data().describe() + (prepared.heldOutCount() > 0
                    ? "; " + prepared.heldOutCount() + " rows held out" : ""));
            stdout.flush();
            try (Runs.Trained trained = Runs.train(fm, prepared, dataset, source, model, dataOptions,
                    dataOptions.keepBest(false))) {
                Checkpoints.save(out, trained.info(), trained.weights());
                stdout.printf(Locale.ROOT, "trained %s on %s: %d steps of batch %d in %.1f s (median step %.2f ms),"
                        + " final loss %.4f%n", trained.model().spec().describe(), data.describe(),
                        trained.info().steps(), trained.info().batch(), trained.result().wallSeconds(),
                        trained.medianStepMillis(), trained.result().finalLoss());
                Runs.heldOutLine(trained).ifPresent(stdout::println);
                stdout.println("checkpoint: " + out.toAbsolutePath());
            }
        }
        stdout.flush();
        return 0;
    }
}

package org.fmjvm.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.checkpoint.CheckpointInfo;
import org.fmjvm.core.checkpoint.Checkpoints;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.data.RowSplit;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.io.OutputPaths;
import org.fmjvm.core.metrics.QualityReport;
import org.fmjvm.core.metrics.TableReport;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fm evaluate}: scores a file of samples, from this project or from anywhere else, against a
 * target with the measures {@code fm demo} reports: energy distance and sliced W2 next to their
 * noise floors, the samples' mean log density where the target has one, and mode fractions for
 * Gaussian mixtures. Needs no backend.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score a CSV file of samples against a target: energy distance and sliced W2 with their noise"
            + " floors, and the mean log density where the target's is known.",
            "A CSV target is split at random into halves: the samples are compared with one, the noise floor"
                + " is the other half against a fresh split."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--samples", required = true, paramLabel = "FILE.csv",
            description = "The samples to score, one point per line (the format fm sample writes).")
    Path samples;

    @Option(names = "--dataset", required = true, paramLabel = "NAME|FILE.csv",
            description = "The target: a named data set (see fm list) or a CSV file of points.")
    String dataset;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the reference draws and the sliced-W2 directions (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path json;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "For a CSV target: the checkpoint trained on it; its seed and --validation fraction recover"
                    + " which rows were held out, so the table report compares with the training rows and runs the"
                    + " memorisation check on the held-out ones.")
    Path checkpoint;

    @Option(names = "--held-out", paramLabel = "FILE.csv",
            description = "For a CSV target: real rows kept out of training, for the memorisation check (the target"
                    + " is then the training rows).")
    Path heldOut;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (json != null) {
            OutputPaths.requireWritableFile(json, "--json");
        }
        Dataset target = Datasets.resolve(dataset);
        CsvDataset points = CsvDataset.load(samples).requireDim(target.dim(), "the target " + dataset);
        QualityReport report = QualityReport.builder(target, points.points()).build(Rng.seeded(seed).split("metrics"));
        PrintWriter out = spec.commandLine().getOut();
        out.println(points.size() + " samples from " + samples + " against " + (target instanceof CsvDataset t
                ? "the " + t.size() + " rows of " + t.name() : target.describe()));
        report.lines().forEach(out::println);
        TableReport table = target instanceof CsvDataset csv ? tableReport(csv, points) : null;
        if (table != null) {
            out.println();
            table.lines().forEach(out::println);
        }
        out.flush();
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("samples", samples.toString());
            doc.put("target", target.describe());
            doc.put("seed", seed);
            doc.put("quality", report);
            if (table != null) {
                doc.put("table", table);
            }
            AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(doc));
        }
        return 0;
    }

    /**
     * The table report of samples against a CSV target: against its training rows, with the held-out
     * rows of {@code --held-out} or of the checkpoint's split; {@code null} (with a line on standard
     * error) when the target cannot be standardized, e.g. every column constant.
     */
    private TableReport tableReport(CsvDataset target, CsvDataset points) {
        if (checkpoint != null && heldOut != null) {
            throw new ConfigurationException("give --checkpoint or --held-out, not both");
        }
        float[] train = target.points();
        float[] held = null;
        if (heldOut != null) {
            held = CsvDataset.load(heldOut).requireDim(target.dim(), "the target " + dataset).points();
        } else if (checkpoint != null) {
            CheckpointInfo info = Checkpoints.readInfo(checkpoint);
            if (info.dataDim() != target.dim()) {
                throw new ConfigurationException("the checkpoint " + checkpoint + " was trained on " + info.dataDim()
                        + " columns but " + dataset + " has " + target.dim());
            }
            if (info.heldOut() != null) {
                RowSplit split = RowSplit.of(target.size(), info.heldOut().fraction(),
                        Rng.seeded(info.seed()).split("validation-split"));
                if (split.heldOut().length != info.heldOut().rows()) {
                    throw new ConfigurationException(dataset + " has " + target.size() + " rows, so the checkpoint's"
                            + " split holds out " + split.heldOut().length + " rows, but it held out "
                            + info.heldOut().rows() + ": pass the table the checkpoint was trained on");
                }
                float[] all = target.points();
                train = RowSplit.select(all, target.dim(), split.train());
                held = RowSplit.select(all, target.dim(), split.heldOut());
            }
        }
        try {
            TableReport.Builder b = TableReport.builder(train, target.dim()).columnNames(target.columnNames())
                    .generated(points.points());
            if (held != null) {
                b.heldOut(held);
            }
            return b.build(Rng.seeded(seed).split("table"));
        } catch (DataException e) {
            spec.commandLine().getErr().println("no table report: " + e.getMessage());
            return null;
        }
    }
}

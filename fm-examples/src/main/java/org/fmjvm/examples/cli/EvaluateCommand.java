package org.fmjvm.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.fmjvm.api.random.Rng;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.Dataset;
import org.fmjvm.core.data.Datasets;
import org.fmjvm.core.io.AtomicFiles;
import org.fmjvm.core.metrics.QualityReport;

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
            description = "The target: a built-in data set (see fm list) or a CSV file of points.")
    String dataset;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the reference draws and the sliced-W2 directions (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path json;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Dataset target = Datasets.resolve(dataset);
        CsvDataset points = CsvDataset.load(samples).requireDim(target.dim(), "the target " + dataset);
        QualityReport report = QualityReport.builder(target, points.points()).build(Rng.seeded(seed).split("metrics"));
        PrintWriter out = spec.commandLine().getOut();
        out.println(points.size() + " samples from " + samples + " against " + (target instanceof CsvDataset t
                ? "the " + t.size() + " rows of " + t.name() : target.describe()));
        report.lines().forEach(out::println);
        out.flush();
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("samples", samples.toString());
            doc.put("target", target.describe());
            doc.put("seed", seed);
            doc.put("quality", report);
            AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(doc));
        }
        return 0;
    }
}

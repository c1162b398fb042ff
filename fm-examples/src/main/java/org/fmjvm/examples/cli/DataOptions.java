package org.fmjvm.examples.cli;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.error.ConfigurationException;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.RowSplit;
import org.fmjvm.core.normalize.Normalizer;
import org.fmjvm.core.train.TrainingData;

import picocli.CommandLine.Option;

/** Options describing how a run prepares its data: scaling, integer columns, held-out rows. */
final class DataOptions {

    @Option(names = "--normalize", paramLabel = "KIND",
            description = "Column scaling, fitted on the training rows, stored in the checkpoint and undone when"
                    + " sampling: standard, minmax, quantile or none (default: standard for a CSV file, none for a"
                    + " named data set).")
    String normalize;

    @Option(names = "--integer-columns", paramLabel = "COLUMNS", defaultValue = "none",
            description = "Round these columns to whole numbers in generated rows: auto (every column whose training"
                    + " values are all whole), none, or names or 1-based numbers separated by commas (default:"
                    + " ${DEFAULT-VALUE}).")
    String integerColumns;

    @Option(names = "--validation", paramLabel = "FRACTION",
            description = "Hold out this share of a CSV file's rows (a named data set: 2,000 fresh draws) and report"
                    + " the held-out loss and likelihood during training (default: 0 for fm train, 0.2 for fm demo"
                    + " on a CSV file).")
    Double validation;

    @Option(names = "--validation-every", paramLabel = "N",
            description = "Evaluate on the held-out rows every N steps (default: a tenth of the steps).")
    Integer validationEvery;

    @Option(names = "--keep-best", negatable = true,
            description = "Save (and sample from) the weights of the lowest held-out loss instead of the last ones"
                    + " (default: on for fm demo on a CSV file, off otherwise; needs held-out rows).")
    Boolean keepBest;

    /** Fails fast on values that are wrong whatever the data. */
    void validate(double defaultFraction) {
        if (normalize != null) {
            Normalizer.Kind.parse(normalize);
        }
        RowSplit.checkFraction(fraction(defaultFraction));
        if (validationEvery != null && validationEvery < 1) {
            throw new ConfigurationException("--validation-every must be >= 1, got " + validationEvery);
        }
        if (Boolean.TRUE.equals(keepBest) && fraction(defaultFraction) == 0) {
            throw new ConfigurationException("--keep-best needs held-out rows: add --validation 0.2 (or another"
                    + " fraction)");
        }
    }

    /**
     * @param defaultFraction the command's default
     * @return the held-out share in effect
     */
    double fraction(double defaultFraction) {
        return validation != null ? validation : defaultFraction;
    }

    /**
     * @param byDefault the command's default
     * @return whether to keep the best weights
     */
    boolean keepBest(boolean byDefault) {
        return keepBest != null ? keepBest : byDefault;
    }

    /**
     * @param steps the run's steps
     * @return the evaluation interval in effect
     */
    int every(int steps) {
        return validationEvery != null ? validationEvery : Math.max(1, steps / 10);
    }

    /**
     * @param data the data set
     * @return the scaling in effect: the option, or {@code standard} for a CSV file and {@code none} otherwise
     */
    Normalizer.Kind kind(Dataset data) {
        if (normalize != null) {
            return Normalizer.Kind.parse(normalize);
        }
        return data instanceof CsvDataset ? Normalizer.Kind.STANDARD : Normalizer.Kind.NONE;
    }

    /**
     * @param data the data set
     * @return the 0-based columns to round
     * @throws ConfigurationException naming an unknown column and the known ones
     */
    Set<Integer> integerColumns(Dataset data) {
        String text = integerColumns.strip();
        if (text.equalsIgnoreCase("none") || text.isEmpty()) {
            return Set.of();
        }
        List<String> names = data instanceof CsvDataset t ? t.columnNames() : List.of();
        if (text.equalsIgnoreCase("auto")) {
            if (!(data instanceof CsvDataset t)) {
                throw new ConfigurationException("--integer-columns auto needs a CSV file; a named data set has no"
                        + " whole-number columns");
            }
            return Normalizer.integerValuedColumns(t.points(), t.size(), t.dim());
        }
        Set<Integer> out = new TreeSet<>();
        for (String field : text.split(",")) {
            String f = field.strip();
            int byName = names.indexOf(f);
            if (byName >= 0) {
                out.add(byName);
                continue;
            }
            int number;
            try {
                number = Integer.parseInt(f);
            } catch (NumberFormatException e) {
                throw new ConfigurationException("--integer-columns: '" + f + "' is neither a column name nor a"
                        + " number" + (names.isEmpty() ? " (the file has no header)" : "; the columns are "
                        + String.join(", ", names)));
            }
            if (number < 1 || number > data.dim()) {
                throw new ConfigurationException("--integer-columns: column " + number + " does not exist; use 1 to "
                        + data.dim());
            }
            out.add(number - 1);
        }
        return out;
    }

    /**
     * @param data the data as loaded
     * @param source the source in the data's coordinates
     * @param defaultFraction the command's default held-out share
     * @param seed the run's seed
     * @return the run's data in the model's coordinates
     */
    TrainingData prepare(Dataset data, Dataset source, double defaultFraction, long seed) {
        return TrainingData.prepare(data, source, kind(data), integerColumns(data), fraction(defaultFraction), seed);
    }
}

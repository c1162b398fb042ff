package org.fmjvm.core.train;

import java.util.Objects;
import java.util.Set;

import org.fmjvm.api.data.Dataset;
import org.fmjvm.api.density.LogDensity;
import org.fmjvm.api.error.DataException;
import org.fmjvm.api.random.Rng;
import org.fmjvm.core.data.CsvDataset;
import org.fmjvm.core.data.EmpiricalDataset;
import org.fmjvm.core.data.GaussianSource;
import org.fmjvm.core.data.RowSplit;
import org.fmjvm.core.normalize.Normalizer;

/**
 * The data of one training run as the model sees it: the held-out rows set aside first, the
 * normalisation fitted on the training rows only, and both the training distribution and the
 * source expressed in the model's coordinates.
 *
 * <p>A table (a {@link CsvDataset}) is split with {@link RowSplit} from the run's seed (stream
 * {@code validation-split}), so a checkpoint's seed and fraction recover the split; its training
 * rows, normalised once, become an {@link EmpiricalDataset}. A generated data set (the built-in
 * 2-D sets) has unlimited rows: its normalisation is fitted on {@value #FIT_ROWS} draws (stream
 * {@code normalize-fit}), every training batch is normalised as it is drawn, and its held-out rows
 * are {@value #HELD_OUT_ROWS} fresh draws (stream {@code held-out}). Without normalisation and
 * held-out rows the data set is used as it is, so such runs are exactly the runs of earlier versions.
 *
 * <p>A standard-normal source stays standard normal in the model's coordinates (dimension
 * {@link Normalizer#outputDim()}); any other source is mapped through the same normalisation as the
 * data, so both ends of the flow share coordinates.
 *
 * <p>Thread safety: immutable and thread-safe.
 */
public final class TrainingData {

    /** Draws a generated data set's normalisation is fitted on. */
    public static final int FIT_ROWS = 100_000;
    /** Fresh draws a generated data set holds out when a run asks for held-out rows. */
    public static final int HELD_OUT_ROWS = 2_000;
    /** The most training rows the held-out evaluation also measures, for comparison. */
    public static final int MAX_TRAIN_SUBSET = 2_000;
    /**
     * The training rows the held-out evaluation measures: as many as there are held-out rows, but at
     * least this many (all of them in a smaller table) and at most {@link #MAX_TRAIN_SUBSET}.
     */
    public static final int MIN_TRAIN_SUBSET = 500;

    private final Dataset raw;
    private final Normalizer normalizer;
    private final Dataset data;
    private final Dataset source;
    private final float[] trainRows;
    private final float[] heldOutRows;
    private final double fraction;

    private TrainingData(Dataset raw, Normalizer normalizer, Dataset data, Dataset source, float[] trainRows,
            float[] heldOutRows, double fraction) {
        this.raw = raw;
        this.normalizer = normalizer;
        this.data = data;
        this.source = source;
        this.trainRows = trainRows;
        this.heldOutRows = heldOutRows;
        this.fraction = fraction;
    }

    /**
     * @param raw the data as loaded (a table or a generated data set)
     * @param source the source distribution in the data's coordinates, e.g. {@code new GaussianSource(raw.dim())}
     * @param kind the normalisation to fit
     * @param integerColumns 0-based columns to round on output
     * @param validationFraction the share of a table's rows held out, in {@code [0, 1)}; for a
     *     generated data set any positive value holds out {@value #HELD_OUT_ROWS} fresh draws
     * @param seed the run's seed
     * @return the prepared data
     */
    public static TrainingData prepare(Dataset raw, Dataset source, Normalizer.Kind kind, Set<Integer> integerColumns,
            double validationFraction, long seed) {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(integerColumns, "integerColumns");
        Rng root = Rng.seeded(seed);
        int dim = raw.dim();
        float[] train;
        float[] held;
        if (raw instanceof CsvDataset table) {
            RowSplit split = RowSplit.of(table.size(), validationFraction, root.split("validation-split"));
            float[] all = table.points();
            train = RowSplit.select(all, dim, split.train());
            held = RowSplit.select(all, dim, split.heldOut());
        } else {
            RowSplit.checkFraction(validationFraction);
            train = null;
            held = validationFraction > 0 ? raw.sample(HELD_OUT_ROWS, root.split("held-out")) : new float[0];
        }
        boolean identity = kind == Normalizer.Kind.NONE && integerColumns.isEmpty();
        Normalizer normalizer;
        if (identity) {
            normalizer = Normalizer.identity(dim);
        } else {
            float[] fitRows = train != null ? train : raw.sample(FIT_ROWS, root.split("normalize-fit"));
            normalizer = Normalizer.fit(kind, fitRows, fitRows.length / dim, dim, integerColumns);
        }
        Dataset data;
        if (train != null && (held.length > 0 || !identity)) {
            data = EmpiricalDataset.of(raw.name(), normalizer.transform(train, train.length / dim),
                    normalizer.outputDim(), describe(raw, train.length / dim, normalizer));
        } else if (identity) {
            data = raw;
        } else {
            data = new Normalized(raw, normalizer);
        }
        Dataset from = modelSource(source, normalizer);
        return new TrainingData(raw, normalizer, data, from, train, held, validationFraction);
    }

    /**
     * @param source a source distribution in the data's coordinates
     * @param normalizer the data's normalisation
     * @return the source in the model's coordinates: standard normal of the model's dimension for a
     *     standard-normal source, otherwise every draw mapped through the normalisation
     */
    public static Dataset modelSource(Dataset source, Normalizer normalizer) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(normalizer, "normalizer");
        if (source instanceof GaussianSource) {
            return source.dim() == normalizer.outputDim() ? source : new GaussianSource(normalizer.outputDim());
        }
        return normalizer.kind() == Normalizer.Kind.NONE ? source : new Normalized(source, normalizer);
    }

    private static String describe(Dataset raw, int rows, Normalizer normalizer) {
        String what = raw instanceof CsvDataset t ? "CSV " + t.name() + ": " + rows + " of its " + t.size() + " rows"
                : raw.name();
        return what + " in " + raw.dim() + "D" + (normalizer.kind() == Normalizer.Kind.NONE ? ""
                : ", " + normalizer.describe()) + ", sampled uniformly with replacement";
    }

    /** @return the data as loaded, in its own coordinates */
    public Dataset raw() {
        return raw;
    }

    /** @return the fitted normalisation (the identity for {@code none}) */
    public Normalizer normalizer() {
        return normalizer;
    }

    /** @return the training distribution in the model's coordinates: what the trainer draws {@code x1} from */
    public Dataset data() {
        return data;
    }

    /** @return the source in the model's coordinates: what the trainer draws {@code x0} from */
    public Dataset source() {
        return source;
    }

    /** @return the model's dimension */
    public int modelDim() {
        return normalizer.outputDim();
    }

    /** @return the share of rows held out, 0 for none */
    public double validationFraction() {
        return fraction;
    }

    /** @return the number of held-out rows */
    public int heldOutCount() {
        return heldOutRows.length / raw.dim();
    }

    /** @return whether a table's training rows are known (false for a generated data set) */
    public boolean hasTrainingRows() {
        return trainRows != null;
    }

    /** @return a copy of a table's training rows in the data's coordinates, row-major */
    public float[] trainingRows() {
        if (trainRows == null) {
            throw new IllegalStateException(raw.name() + " is a generated data set: it has no fixed training rows");
        }
        return trainRows.clone();
    }

    /** @return a copy of the held-out rows in the data's coordinates, row-major; empty without held-out rows */
    public float[] heldOutRows() {
        return heldOutRows.clone();
    }

    /**
     * The held-out evaluation of these rows: the held-out rows and about as many training rows (see
     * {@link #MIN_TRAIN_SUBSET}; the first ones of a table, fresh draws of a generated set), both in the model's
     * coordinates. Held-out rows off the normalisation's support (a value in a column that was constant
     * in training) have no density under the model and are left out.
     *
     * @param every evaluate after every this many steps
     * @return the evaluation, losses only; add likelihoods with {@link Validation#withLikelihood}
     * @throws DataException if no rows were held out, or none is on the support
     */
    public Validation validation(int every) {
        int dim = raw.dim();
        if (heldOutRows.length == 0) {
            throw new DataException("no rows were held out: pass a validation fraction > 0");
        }
        float[] held = onSupport(heldOutRows);
        if (held.length == 0) {
            throw new DataException("every held-out row has a value the training rows never had in a constant column;"
                    + " the model gives them no density");
        }
        int subsetRows = Math.min(MAX_TRAIN_SUBSET, Math.max(MIN_TRAIN_SUBSET, heldOutCount()));
        float[] subset = trainRows != null
                ? java.util.Arrays.copyOf(trainRows, Math.min(trainRows.length, subsetRows * dim))
                : raw.sample(subsetRows, Rng.seeded(0).split("train-subset"));
        Validation v = Validation.of(normalizer.transform(held, held.length / dim),
                normalizer.transform(subset, subset.length / dim), modelDim(), every);
        return v.withLogDetOffsets(meanLogDet(held), meanLogDet(subset));
    }

    private float[] onSupport(float[] rows) {
        int dim = raw.dim();
        int n = rows.length / dim;
        float[] out = new float[rows.length];
        int kept = 0;
        for (int r = 0; r < n; r++) {
            if (normalizer.onSupport(rows, r)) {
                System.arraycopy(rows, r * dim, out, kept * dim, dim);
                kept++;
            }
        }
        return java.util.Arrays.copyOf(out, kept * dim);
    }

    private double meanLogDet(float[] rows) {
        double[] ld = normalizer.logAbsDetJacobian(rows, rows.length / raw.dim());
        double sum = 0;
        for (double v : ld) {
            sum += v;
        }
        return sum / ld.length;
    }

    /** A data set whose every draw is mapped through a normalisation. */
    private static final class Normalized implements Dataset {
        private final Dataset inner;
        private final Normalizer normalizer;

        Normalized(Dataset inner, Normalizer normalizer) {
            if (inner.dim() != normalizer.inputDim()) {
                throw new DataException(inner.name() + " has dimension " + inner.dim() + " but the normalisation was"
                        + " fitted on " + normalizer.inputDim() + " columns");
            }
            this.inner = inner;
            this.normalizer = normalizer;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public int dim() {
            return normalizer.outputDim();
        }

        @Override
        public float[] sample(int n, Rng rng) {
            return n == 0 ? new float[0] : normalizer.transform(inner.sample(n, rng), n);
        }

        @Override
        public java.util.Optional<LogDensity> logDensity() {
            return java.util.Optional.empty();
        }

        @Override
        public String describe() {
            return inner.describe() + ", " + normalizer.describe();
        }
    }
}
